// The chaos run's counts, printed as its last lines, and what makes it fail.
import type { ChaosResult } from './chaos.js';

export function summaryLines(r: ChaosResult): string[] {
  const v = r.verdict;
  const kinds = Object.entries(r.faultsByKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const vendors = Object.entries(r.callsByVendor)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `events: ${r.truth.taskChanges} task changes, ${r.truth.entries} time entries, ${r.webhookDeliveries} webhook deliveries (${r.truth.redelivered} again, ${r.truth.neverDelivered} changes never delivered)`,
    `vendor calls: ${r.vendorCalls} (${vendors}); faults injected: ${r.faults} (${kinds})`,
    `kills: ${r.kills}; seconds: ${r.seconds}`,
    `end state: ${v.openTasks} open tasks, ${v.blocks} blocks, ${v.unplacedTasks} unplaced, ${v.drafts} drafts`,
    `plan would change: ${v.planWouldChange}; misplaced: ${v.misplaced}; wrong totals: ${v.wrongTotals}; grants lost: ${v.grantsLost}; failed jobs: ${v.failedJobs}`,
    `duplicates = ${v.duplicates}`,
    `missing = ${v.missing}`,
    `limit violations = ${v.limitViolations}`,
  ];
}

/** Every count that is off, named. */
export function failures(r: ChaosResult): string[] {
  const v = r.verdict;
  const off: string[] = [];
  for (const key of [
    'duplicates',
    'missing',
    'misplaced',
    'wrongTotals',
    'planWouldChange',
    'limitViolations',
    'grantsLost',
    'failedJobs',
  ] as const) {
    if (v[key] !== 0) off.push(`${key} = ${v[key]}`);
  }
  return off;
}
