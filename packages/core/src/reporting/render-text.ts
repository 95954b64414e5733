import {
  emptyLine,
  h,
  hoursNotes,
  preparedLine,
  retainerLine,
  roundingLine,
  statusLine,
  unbilledLine,
  weekLine,
} from './phrases.js';
import type { WeeklyReport } from './types.js';

/** Control characters (a name pasted with a tab or a bell) would garble a plain-text post. */
const plain = (text: string) => text.replace(/\p{Cc}+/gu, ' ').trim();

/**
 * The report as plain text with bullets, no tables: for places that show text as typed in a
 * proportional font (an Asana status update, an email body). The title goes separately.
 */
export function renderReportText(report: WeeklyReport): string {
  const out: string[] = [];
  const b = report.billing;
  out.push(weekLine(report), `${preparedLine(report)} · ${statusLine(report)}`, '');
  out.push(`HOURS THIS WEEK: ${h(report.hours.totalHours)}`);
  if (report.hours.projects.length === 0) out.push(emptyLine('hours'));
  else {
    out.push(roundingLine(report));
    for (const p of report.hours.projects) {
      out.push(`• ${plain(p.name)}: ${h(p.hours)}`);
      for (const t of p.tasks) out.push(`    – ${plain(t.name)}: ${h(t.hours)}`);
    }
  }
  out.push(...hoursNotes(report), '', 'COMPLETED THIS WEEK');
  if (report.completed.length === 0) out.push(emptyLine('completed'));
  for (const t of report.completed) out.push(`• ${plain(t.name)} (${t.completedLocal})`);
  out.push('', 'IN PROGRESS');
  if (report.inProgress.length === 0) out.push(emptyLine('progress'));
  for (const t of report.inProgress) {
    const due = t.due ? `, due ${t.due.local}` : '';
    const next = t.nextBlocks[0] ? `; next focus time ${t.nextBlocks[0].local}` : '; not scheduled yet';
    out.push(`• ${plain(t.name)}${due}${next}`);
  }
  out.push('', `UPCOMING DEADLINES (next ${report.lookaheadDays} days, ${report.zone})`);
  if (report.deadlines.length === 0) out.push(emptyLine('deadlines', report.lookaheadDays));
  for (const d of report.deadlines)
    out.push(`• ${d.due.local}: ${plain(d.name)}${d.overdue ? ' (overdue)' : ''}`);
  if (b.retainer) out.push('', `RETAINER, ${b.label.toUpperCase()}`, retainerLine(b.retainer));
  out.push('', `NOT INVOICED YET, ${b.label.toUpperCase()}`, unbilledLine(b));
  return `${out.join('\n')}\n`;
}
