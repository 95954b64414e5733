import {
  buildInvoiceDraft,
  type ClientConfig,
  dec,
  formatInstant,
  type Logger,
  periodContaining,
  retainerAlreadyInvoicedHours,
  toFixed,
} from '@vahub/core';
import { eachIsolated, messageOf, now, type ServiceDeps } from './deps.js';
import { retainerFlag, type UnbilledSummary } from './unbilled-store.js';

/** The client's billing period that holds now. */
function currentPeriod(deps: ServiceDeps, client: ClientConfig) {
  const { billing } = client;
  const kind = billing.cycle === 'weekly' ? 'week' : 'month';
  return periodContaining(kind, now(deps), client.timezone, billing.weekStartsOn);
}

/**
 * Recompute one client's unbilled time for the current billing period from the time source, store
 * it, and log (once, when it happens) a retainer crossing 80 % or 100 % of its included hours.
 */
export async function refreshUnbilled(
  deps: ServiceDeps,
  client: ClientConfig,
  logger: Logger,
): Promise<UnbilledSummary> {
  const { billing } = client;
  const period = currentPeriod(deps, client);
  const entries = await deps.ports.time.listTimeEntries({
    clientId: client.id,
    start: formatInstant(period.start),
    end: formatInstant(period.end),
  });
  const open = entries.filter((e) => !e.deleted && e.billable && !e.tags.includes(billing.invoicedTag));
  const seconds = open.reduce((sum, e) => sum + Math.max(0, e.durationSeconds), 0);
  const hours = seconds / 3600;
  const target = deps.ports.invoices.target(client.id);
  const preview = buildInvoiceDraft({
    clientId: client.id,
    billing,
    target,
    period,
    entries,
    invoicedTag: billing.invoicedTag,
    retainerAlreadyInvoicedHours: retainerAlreadyInvoicedHours({
      clientId: client.id,
      billing,
      target,
      period,
      entries,
    }),
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
 * entry events) counts every client, as before.
 */
export const CHANGES_EVERY_MS = 120_000;
/** Clock skew allowed between vahub and the source when asking for changes since the last count. */
const SKEW_MS = 60_000;

/**
 * The time-entry sweep: each client's unbilled time counted again, but, when the source can say in
 * one read which clients' entries changed since the last count (`changedClients`), only those and
 * the clients whose stored count is of an earlier period. `all` counts every client (reconcile). The
 * cursor moves only when every configured client was counted or found unchanged, so a client whose
 * count fails is counted by the next sweep.
 */
export async function sweepUnbilled(
  deps: ServiceDeps,
  clients: readonly ClientConfig[],
  logger: Logger,
  options: { all?: boolean } = {},
): Promise<{ counted: number; unchanged: number }> {
  const provider = deps.providers.time;
  const started = now(deps);
  const saved = await deps.cursors.get(provider, COUNTED_SCOPE);
  let due = clients;
  const source = deps.ports.time;
  const last = Number(saved?.cursor);
  const asked = saved !== null && Number.isFinite(last) && started - saved.savedAt >= CHANGES_EVERY_MS;
  if (!options.all && source.changedClients && asked) {
    const changed = await source.changedClients(formatInstant(last - SKEW_MS));
    if (changed !== null) {
      const stored = await Promise.all(clients.map((c) => deps.unbilled.get(c.id)));
      due = clients.filter(
        (c, i) => changed.includes(c.id) || stored[i]?.period.firstDate !== currentPeriod(deps, c).firstDate,
      );
    }
  }
  const counted = await refreshAllUnbilled(deps, due, logger);
  const everyone = deps.config.clients.every((c) => clients.some((x) => x.id === c.id));
  if (everyone && counted.length === due.length) {
    await deps.cursors.set(provider, COUNTED_SCOPE, String(started));
  }
  return { counted: counted.length, unchanged: clients.length - due.length };
}
