import {
  buildInvoiceDraft,
  type ClientConfig,
  dec,
  formatInstant,
  type Logger,
  periodContaining,
  retainerAlreadyInvoicedHours,
  type TimeChange,
  type TimeEntry,
  toFixed,
} from '@vahub/core';
import { eachIsolated, messageOf, now, type ServiceDeps } from './deps.js';
import { planCounts, UNPLACED_RECOUNT_MS } from './unbilled-changes.js';
import { type KeptChange, retainerFlag, type UnbilledSummary } from './unbilled-store.js';

/** The client's billing period that holds now. */
export function currentPeriod(deps: ServiceDeps, client: ClientConfig) {
  const { billing } = client;
  const kind = billing.cycle === 'weekly' ? 'week' : 'month';
  return periodContaining(kind, now(deps), client.timezone, billing.weekStartsOn);
}

/**
 * Count one client's unbilled time for the current billing period again from the time source (the
 * reconciler: a full read of its entries), keep those entries for the incremental count, and store
 * the summary.
 */
export async function refreshUnbilled(
  deps: ServiceDeps,
  client: ClientConfig,
  logger: Logger,
): Promise<UnbilledSummary> {
  const period = currentPeriod(deps, client);
  const countedAt = now(deps);
  const entries = await deps.ports.time.listTimeEntries({
    clientId: client.id,
    start: formatInstant(period.start),
    end: formatInstant(period.end),
  });
  await deps.unbilled.replaceEntries(client.id, period.firstDate, entries, countedAt);
  return storeUnbilled(deps, client, entries, logger);
}

/**
 * Store the client's unbilled summary of the current period from its entries in that period, and
 * log (once, when it happens) a retainer crossing 80 % or 100 % of its included hours.
 */
export async function storeUnbilled(
  deps: ServiceDeps,
  client: ClientConfig,
  entries: readonly TimeEntry[],
  logger: Logger,
): Promise<UnbilledSummary> {
  const { billing } = client;
  const period = currentPeriod(deps, client);
  const open = entries.filter((e) => !e.deleted && e.billable && !e.tags.includes(billing.invoicedTag));
  const seconds = open.reduce((sum, e) => sum + Math.max(0, e.durationSeconds), 0);
  const hours = seconds / 3600;
  const target = deps.ports.invoices.target(client.id);
  const draft = { clientId: client.id, billing, target, period, entries: [...entries] };
  const preview = buildInvoiceDraft({
    ...draft,
    invoicedTag: billing.invoicedTag,
    retainerAlreadyInvoicedHours: retainerAlreadyInvoicedHours(draft),
  });
  const used = billing.retainer ? hours / Number(billing.retainer.hours) : null;
  const summary: UnbilledSummary = {
    clientId: client.id,
    period: { firstDate: period.firstDate, lastDate: period.lastDate },
    hours: toFixed(dec(seconds).div(3600), 2),
    amount: preview.draft?.subtotal ?? '0',
    currency: billing.currency,
    retainerUsed: used === null ? null : Math.round(used * 1000) / 1000,
    flag: retainerFlag(used),
    updatedAt: formatInstant(now(deps)),
  };
  const before = await deps.unbilled.set(summary);
  const samePeriod = before?.period.firstDate === summary.period.firstDate;
  if (summary.flag !== 'ok' && (!samePeriod || before?.flag !== summary.flag)) {
    const share = Math.round((used ?? 0) * 100);
    logger.warn(
      { clientId: client.id, flag: summary.flag, retainerUsed: summary.retainerUsed, hours: summary.hours },
      summary.flag === 'over'
        ? `retainer used up: ${share}% of ${billing.retainer?.hours} h this period`
        : `retainer at ${share}% of ${billing.retainer?.hours} h this period`,
    );
  }
  return summary;
}

/** Every client's (or one client's) unbilled time, each client on its own: one failing does not stop the rest. */
export async function refreshAllUnbilled(
  deps: ServiceDeps,
  clients: readonly ClientConfig[],
  logger: Logger,
): Promise<UnbilledSummary[]> {
  const out: UnbilledSummary[] = [];
  await eachIsolated(
    clients,
    async (client) => {
      out.push(await refreshUnbilled(deps, client, logger));
    },
    (client, err) =>
      logger.error({ clientId: client.id, error: messageOf(err) }, 'unbilled time not updated'),
  );
  return out;
}

/** Where the time sweep last counted from, in the cursor store (a `since` instant, epoch ms). */
const COUNTED_SCOPE = 'unbilled';
/**
 * How often the sweep may ask the source what changed: Toggl counts `/me` reads apart, 30 an hour
 * on every plan, so at most one every two minutes; a sweep sooner after the last count (a burst of
 * entry events) leaves one follow-up sweep at the two-minute mark.
 */
export const CHANGES_EVERY_MS = 120_000;
/** Clock skew allowed between vahub and the source when asking for changes since the last count. */
const SKEW_MS = 60_000;

/**
 * The time-entry sweep, counting incrementally. When the source can say in one read what changed
 * since the last count (`changesSince`), each changed entry is applied to the kept entries of the
 * clients of its workspace (only if newer than what is kept: a repeat or an older version changes
 * nothing) and their summaries derived from those; a client is counted in full from the source only
 * when `planCounts` says so (kept entries missing, a new period, every few hours, an entry it could
 * not place). A sweep sooner than `CHANGES_EVERY_MS` after the last count leaves one follow-up sweep
 * at that mark instead. `all` (reconcile) or a first count: every client counted in full; a source
 * that cannot tell (a read fuller than it holds): every client marked for a full count, throttled,
 * with one sweep left for when the first is due. The cursor moves only when every configured client was counted or found
 * unchanged, so a client whose count fails is counted by the next sweep.
 */
export async function sweepUnbilled(
  deps: ServiceDeps,
  clients: readonly ClientConfig[],
  logger: Logger,
  options: { all?: boolean } = {},
): Promise<{ counted: number; applied: number; unchanged: number; deferred?: true }> {
  const provider = deps.providers.time;
  const started = now(deps);
  const saved = await deps.cursors.get(provider, COUNTED_SCOPE);
  const source = deps.ports.time;
  const last = Number(saved?.cursor);
  let changes: TimeChange[] | null = null;
  if (!options.all && source.changesSince && saved !== null && Number.isFinite(last)) {
    const wait = saved.savedAt + CHANGES_EVERY_MS - started;
    if (wait > 0) {
      const input = { provider, subject: 'time-entry', clientId: null } as const;
      await deps.queues.addThrottled('sweep', input, { key: 'sweep-time-entry', windowMs: wait });
      return { counted: 0, applied: 0, unchanged: clients.length, deferred: true };
    }
    changes = await source.changesSince(formatInstant(last - SKEW_MS));
    if (changes === null) {
      // The read could not tell (a burst fuller than one read holds): every client is due a full
      // count, at most every UNPLACED_RECOUNT_MS each, not on every sweep.
      await deps.unbilled.markDirty(clients.map((c) => c.id));
      changes = [];
    }
  }
  const { counted, applied } = await countChanges(deps, clients, changes, logger);
  await sweepWhenDue(deps, clients);
  const everyone = deps.config.clients.every((c) => clients.some((x) => x.id === c.id));
  if (everyone) await deps.cursors.set(provider, COUNTED_SCOPE, String(started));
  return { counted, applied, unchanged: clients.length - counted - applied };
}

/** A client still marked for a full count that its throttle held back: one sweep when the first is due. */
async function sweepWhenDue(deps: ServiceDeps, clients: readonly ClientConfig[]): Promise<void> {
  const records = await Promise.all(clients.map((c) => deps.unbilled.counted(c.id)));
  const dues = records.flatMap((r) => (r?.dirty ? [r.countedAt + UNPLACED_RECOUNT_MS - now(deps)] : []));
  if (dues.length === 0) return;
  const input = { provider: deps.providers.time, subject: 'time-entry', clientId: null } as const;
  await deps.queues.addThrottled('sweep', input, {
    key: 'sweep-time-entry',
    windowMs: Math.max(1_000, Math.min(...dues)),
  });
}

/**
 * Bring the clients' unbilled time up to `changes` (null: the source could not tell, so every one
 * is counted in full): the clients `planCounts` names counted in full, the others' kept entries
 * changed and their summaries derived from them. How many of each.
 */
export async function countChanges(
  deps: ServiceDeps,
  clients: readonly ClientConfig[],
  changes: readonly TimeChange[] | null,
  logger: Logger,
): Promise<{ counted: number; applied: number }> {
  const periodOf = (c: ClientConfig) => currentPeriod(deps, c);
  const plan =
    changes === null
      ? { recount: [...clients], apply: new Map<string, KeptChange[]>() }
      : await planCounts(deps, clients, changes, periodOf);
  const counted = await refreshAllUnbilled(deps, plan.recount, logger);
  let applied = 0;
  await eachIsolated(
    clients.filter((c) => plan.apply.has(c.id)),
    async (client) => {
      if ((await deps.unbilled.applyEntries(client.id, plan.apply.get(client.id) ?? [])) === 0) return;
      await storeUnbilled(deps, client, await deps.unbilled.keptEntries(client.id), logger);
      applied += 1;
    },
    (client, err) =>
      logger.error({ clientId: client.id, error: messageOf(err) }, 'unbilled time not updated'),
  );
  return { counted: counted.length, applied };
}
