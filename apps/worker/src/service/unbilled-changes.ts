import type { ClientConfig, TimeChange } from '@vahub/core';
import { now, type ServiceDeps } from './deps.js';
import type { KeptChange } from './unbilled-store.js';

/** A client's kept entries are counted again in full at least this often (what no event told). */
export const RECOUNT_EVERY_MS = 3 * 3_600_000;
/**
 * A client marked for a full count (an entry of its workspace could not be placed, or a `since` read
 * came back fuller than it holds) is counted again in full at most this often.
 */
export const UNPLACED_RECOUNT_MS = 10 * 60_000;

/** What a sweep does for each client: count in full, apply entry changes, or nothing. */
export interface CountPlan {
  recount: ClientConfig[];
  apply: Map<string, KeptChange[]>;
}

/**
 * Sort the clients of a sweep: counted in full when their kept entries are missing (never counted,
 * Redis lost them), of an earlier period, older than `RECOUNT_EVERY_MS`, or marked because an entry
 * of their workspace could not be placed (at most every `UNPLACED_RECOUNT_MS`); otherwise each
 * changed entry of their workspace is applied as a change: kept when it is the client's, not
 * deleted and started in the period, else dropped.
 */
export async function planCounts(
  deps: ServiceDeps,
  clients: readonly ClientConfig[],
  changes: readonly TimeChange[],
  periodOf: (client: ClientConfig) => { start: number; end: number; firstDate: string },
): Promise<CountPlan> {
  const at = now(deps);
  const unplaced = new Set(changes.filter((c) => c.clientIds === null).flatMap((c) => c.workspaceClients));
  await deps.unbilled.markDirty([...unplaced].filter((id) => clients.some((c) => c.id === id)));
  const plan: CountPlan = { recount: [], apply: new Map() };
  for (const client of clients) {
    const period = periodOf(client);
    const record = await deps.unbilled.counted(client.id);
    const due =
      record === null ||
      record.firstDate !== period.firstDate ||
      at - record.countedAt >= RECOUNT_EVERY_MS ||
      (record.dirty && at - record.countedAt >= UNPLACED_RECOUNT_MS);
    if (due) {
      plan.recount.push(client);
      continue;
    }
    const mine: KeptChange[] = [];
    for (const { entry, clientIds, workspaceClients } of changes) {
      if (clientIds === null || !workspaceClients.includes(client.id)) continue;
      const start = Date.parse(entry.start);
      const counts =
        clientIds.includes(client.id) && !entry.deleted && start >= period.start && start < period.end;
      const version = entry.updatedAt === undefined ? Number.NaN : Date.parse(entry.updatedAt);
      mine.push({ id: entry.id, entry: counts ? entry : null, at: Number.isNaN(version) ? null : version });
    }
    if (mine.length > 0) plan.apply.set(client.id, mine);
  }
  return plan;
}
