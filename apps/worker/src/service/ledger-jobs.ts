import {
  type ClientConfig,
  cachedLedgerSink,
  type InvoiceSink,
  type LedgerCache,
  type Logger,
  type Period,
  periodContaining,
  previousPeriod,
} from '@vahub/core';
import { keepsLedger } from '../flows/ledger-state.js';
import { type ReconcileResult, reconcileInvoiceStatus } from '../flows/reconcile-invoices.js';
import { now, type ServiceDeps } from './deps.js';

/** How many billing periods back an invoice event or sweep reconciles (the current one included). */
export const LEDGER_PERIODS_BACK = 3;

/**
 * The invoice sink the service uses: the connector's own, with its billing ledger cached in Redis
 * when it keeps one (a sink without a ledger is used as it is).
 */
export function ledgerSink(sink: InvoiceSink, cache: LedgerCache): InvoiceSink {
  return keepsLedger(sink) ? cachedLedgerSink(sink, cache) : sink;
}

/** The client's current billing period and the ones before it, newest first. */
export function recentPeriods(client: ClientConfig, now: number, count = LEDGER_PERIODS_BACK): Period[] {
  const { cycle, weekStartsOn } = client.billing;
  let period = periodContaining(cycle === 'weekly' ? 'week' : 'month', now, client.timezone, weekStartsOn);
  const out = [period];
  while (out.length < count) {
    period = previousPeriod(period, weekStartsOn);
    out.push(period);
  }
  return out;
}

export interface LedgerReconcileSummary {
  clientId: string;
  periods: number;
  released: number;
  completedTags: number;
  edited: ReconcileResult['edited'];
}

/**
 * Make a client's time-entry tags agree with its drafts as the invoicing app has them now, over its
 * recent periods: a draft the VA deleted or voided releases its entries' tags (the time is billable
 * again), a live draft whose entries lost their tag gets them back, and entries edited after they
 * were invoiced are reported. Drafts nothing; safe to repeat. Nothing to do for a sink without a ledger.
 */
export async function reconcileClientLedger(
  deps: ServiceDeps,
  client: ClientConfig,
  logger: Logger,
): Promise<LedgerReconcileSummary | null> {
  const invoices = deps.ports.invoices;
  if (!keepsLedger(invoices)) return null;
  const invalidate = (invoices as { invalidate?: (clientId: string) => Promise<void> }).invalidate;
  if (invalidate) await invalidate(client.id);
  const summary: LedgerReconcileSummary = {
    clientId: client.id,
    periods: 0,
    released: 0,
    completedTags: 0,
    edited: [],
  };
  for (const period of recentPeriods(client, now(deps))) {
    const result = await reconcileInvoiceStatus({ client, period, time: deps.ports.time, invoices });
    summary.periods += 1;
    summary.released += result.released.length;
    summary.completedTags += result.completedTags.length;
    summary.edited.push(...result.edited);
  }
  if (summary.released > 0 || summary.completedTags > 0 || summary.edited.length > 0) {
    logger.warn(
      {
        clientId: client.id,
        released: summary.released,
        completedTags: summary.completedTags,
        edited: summary.edited.length,
      },
      summary.edited.length > 0
        ? 'billing ledger reconciled: some invoiced entries were edited after invoicing; check them in the time tracker'
        : 'billing ledger reconciled',
    );
  }
  return summary;
}
