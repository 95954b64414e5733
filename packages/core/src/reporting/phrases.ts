import { parseInstant } from '../time/zoned.js';
import { LocalFormat } from './format.js';
import type { PeriodBilling, RetainerStatus, WeeklyReport } from './types.js';

// Sentences every renderer shares, so HTML, Markdown and plain text say the same thing in the same
// words. They are plain text: each renderer escapes them for its own format.

export const h = (hours: string) => `${hours} h`;

export function title(report: WeeklyReport): string {
  return `Weekly report ${report.week.id} · ${report.clientName}`;
}

/** What a publisher matches earlier posts of the same week by. */
export function titleKey(report: WeeklyReport): string {
  return `Weekly report ${report.week.id}`;
}

export function weekLine(report: WeeklyReport): string {
  return `Week ${report.week.id}: ${report.week.label} (times in ${report.zone})`;
}

export function preparedLine(report: WeeklyReport): string {
  const local = new LocalFormat(report.zone, Number(report.week.firstDate.slice(0, 4)));
  return `Prepared ${local.dateTime(parseInstant(report.generatedAt))}`;
}

export function statusLine(report: WeeklyReport): string {
  if (report.status.kind === 'on-track') return 'Status: on track';
  return `Status: at risk (${report.status.reasons.join('; ')})`;
}

export function roundingLine(report: WeeklyReport): string {
  return `Billable hours, rounded as invoiced: ${report.rounding}.`;
}

/** Non-billable time and running timers, or nothing to say. */
export function hoursNotes(report: WeeklyReport): string[] {
  const notes: string[] = [];
  if (report.hours.nonBillableHours !== '0') {
    notes.push(`Also ${h(report.hours.nonBillableHours)} of non-billable time.`);
  }
  const running = report.hours.runningEntries;
  if (running > 0) {
    notes.push(
      `${running === 1 ? '1 timer is' : `${running} timers are`} still running: counted once stopped.`,
    );
  }
  return notes;
}

export function retainerLine(r: RetainerStatus): string {
  const carried = r.carriedInHours === '0' ? '' : ` (+ ${h(r.carriedInHours)} carried over)`;
  const over = r.overageHours === '0' ? '' : `, ${h(r.overageHours)} beyond it`;
  return `${h(r.includedHours)} included${carried}: ${h(r.usedHours)} used (${r.usedPercent}%), ${h(r.leftHours)} left${over}.`;
}

export function unbilledLine(b: PeriodBilling): string {
  const tax =
    b.unbilled.lineAmountTypes === 'Exclusive'
      ? ' before tax'
      : b.unbilled.lineAmountTypes === 'Inclusive'
        ? ' including tax'
        : '';
  const amount = `${b.unbilled.amount} ${b.currency}${tax}`;
  if (b.unbilled.hours === '0' && b.unbilled.note !== null) return `${amount}: nothing new to invoice.`;
  return `${amount} for ${h(b.unbilled.hours)} not invoiced yet.`;
}

export function emptyLine(what: 'completed' | 'progress' | 'deadlines' | 'hours', days = 14): string {
  switch (what) {
    case 'completed':
      return 'No tasks were completed this week.';
    case 'progress':
      return 'No open tasks.';
    case 'deadlines':
      return `No deadlines in the next ${days} days.`;
    case 'hours':
      return 'No billable time this week.';
  }
}
