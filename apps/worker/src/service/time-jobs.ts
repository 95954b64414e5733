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
  const period = periodContaining(
    billing.cycle === 'weekly' ? 'week' : 'month',
    now(deps),
    client.timezone,
    billing.weekStartsOn,
  );
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
