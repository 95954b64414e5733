import type { BillingConfig } from '../config/schema.js';
import type { TimeEntry } from '../domain/types.js';
import { toFixed } from '../money/decimal.js';
import type { RateChoice } from './types.js';

/** Xero's unit amount precision with `unitdp=4`. */
export const UNIT_DP = 4;

/**
 * The rate of each entry: a task override beats a project override beats the client's hourly rate
 * (the most specific setting wins). Built once per invoice so each entry costs two map look-ups.
 * A retainer client's hours are counted against the retainer, not priced one by one, so they all
 * share the client's rate: otherwise a project override would split them into buckets that are
 * rounded separately and bill more hours than the same time without the override.
 */
export function rateTable(billing: BillingConfig): (entry: TimeEntry) => RateChoice {
  const client: RateChoice = {
    source: 'client',
    sourceId: null,
    unitAmount: toFixed(billing.hourlyRate, UNIT_DP),
  };
  if (billing.retainer) return () => client;
  const byTask = new Map<string, RateChoice>();
  for (const [id, rate] of Object.entries(billing.taskRates)) {
    byTask.set(id, { source: 'task', sourceId: id, unitAmount: toFixed(rate, UNIT_DP) });
  }
  const byProject = new Map<string, RateChoice>();
  for (const [id, rate] of Object.entries(billing.projectRates)) {
    byProject.set(id, { source: 'project', sourceId: id, unitAmount: toFixed(rate, UNIT_DP) });
  }
  return (entry) =>
    (entry.taskId === null ? undefined : byTask.get(entry.taskId)) ??
    (entry.projectId === null ? undefined : byProject.get(entry.projectId)) ??
    client;
}

/** The rate for hours beyond a retainer: its own overage rate, else the client's hourly rate. */
export function overageRate(billing: BillingConfig): RateChoice {
  const own = billing.retainer?.overageRate;
  return {
    source: 'retainer-overage',
    sourceId: null,
    unitAmount: toFixed(own ?? billing.hourlyRate, UNIT_DP),
  };
}

/** A stable key for grouping entries that share a rate. */
export function rateKey(rate: RateChoice): string {
  return `${rate.source}:${rate.sourceId ?? ''}`;
}
