import {
  type ClientConfig,
  formatInstant,
  isoWeekAt,
  isoWeekPeriod,
  mondayOfIsoWeek,
  type NameLookup,
  periodBilling,
  periodContaining,
  Temporal,
  type TimeEntry,
  weekHours,
} from '@vahub/core';
import type { SnapshotDeps } from './deps.js';
import type { ClientBilling, DraftState, RetainerGauge, WeekHoursPoint } from './types.js';

export const WEEKS_OF_HOURS = 8;

/** The client's current billing period (the one holding `now`, in the client's zone). */
export function currentPeriod(client: ClientConfig, now: number) {
  const kind = client.billing.cycle === 'weekly' ? 'week' : 'month';
  return periodContaining(kind, now, client.timezone, client.billing.weekStartsOn);
}

/** The last eight ISO weeks in the client's zone, oldest first, the one holding `now` last. */
export function lastWeeks(client: ClientConfig, now: number) {
  const monday = Temporal.PlainDate.from(mondayOfIsoWeek(isoWeekAt(now, client.timezone)));
  return Array.from({ length: WEEKS_OF_HOURS }, (_, i) => {
    const date = monday.subtract({ weeks: WEEKS_OF_HOURS - 1 - i });
    const id = isoWeekAt(
      date.toZonedDateTime({ timeZone: client.timezone, plainTime: '12:00' }).epochMilliseconds,
      client.timezone,
    );
    return { id, period: isoWeekPeriod(id, client.timezone), label: `${date.day} ${monthShort(date.month)}` };
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthShort = (m: number) => MONTHS[m - 1] ?? String(m);

function gauge(r: NonNullable<ReturnType<typeof periodBilling>['retainer']>): RetainerGauge {
  return {
    ...r,
    marks: [80, 100],
    level: r.usedPercent >= 100 ? 'past-100' : r.usedPercent >= 80 ? 'past-80' : 'under-80',
  };
}

/** One read of the time source for a client: the current period and the last eight weeks. */
export async function readEntries(
  deps: SnapshotDeps,
  client: ClientConfig,
  now: number,
): Promise<{ entries: TimeEntry[]; names: NameLookup }> {
  const { time } = deps;
  if (!time) throw new Error('no time tracker is connected');
  const period = currentPeriod(client, now);
  const weeks = lastWeeks(client, now);
  const start = Math.min(period.start, weeks[0]?.period.start ?? period.start);
  const end = Math.max(period.end, weeks.at(-1)?.period.end ?? period.end);
  const [entries, names] = await Promise.all([
    time.listTimeEntries({ clientId: client.id, start: formatInstant(start), end: formatInstant(end) }),
    time.names(client.id, { tasks: true }),
  ]);
  return { entries, names };
}

/**
 * The current period's unbilled time and retainer, from the invoicing engine itself
 * (`periodBilling`: what the period's next draft would bill, the retainer counting every hour).
 */
export function clientBilling(
  client: ClientConfig,
  now: number,
  entries: readonly TimeEntry[],
  names: NameLookup,
): ClientBilling {
  const period = currentPeriod(client, now);
  const inPeriod = entries.filter((e) => {
    const ms = Date.parse(e.start);
    return ms >= period.start && ms < period.end;
  });
  const b = periodBilling({ client, period, entries: inPeriod, names });
  return {
    periodLabel: b.label,
    currency: b.currency,
    unbilledHours: b.unbilled.hours,
    unbilledAmount: b.unbilled.amount,
    lineAmountTypes: b.unbilled.lineAmountTypes,
    note: b.unbilled.note,
    retainer: b.retainer ? gauge(b.retainer) : null,
  };
}

/** Billable hours per ISO week, rounded as billed (the weekly report's figures). */
export function weeklyHours(
  client: ClientConfig,
  now: number,
  entries: readonly TimeEntry[],
): WeekHoursPoint[] {
  return lastWeeks(client, now).map(({ id, period, label }) => ({
    week: id,
    label,
    hours: weekHours({ entries, billing: client.billing, week: period, names: {} }).totalHours,
  }));
}

/** The client's last drafts and their state in the invoicing app now. */
export async function draftStates(deps: SnapshotDeps, client: ClientConfig): Promise<DraftState[]> {
  if (!deps.drafts) throw new Error('no record of drafts is connected');
  const known = (await deps.drafts(client.id)).slice(0, deps.draftsPerClient ?? 5);
  return Promise.all(
    known.map(async (d) => ({
      invoiceId: d.invoiceId,
      invoiceNumber: d.invoiceNumber,
      label: d.label,
      total: d.total,
      currency: d.currency,
      status: deps.invoices ? await deps.invoices.getInvoiceStatus(client.id, d.invoiceId) : null,
    })),
  );
}
