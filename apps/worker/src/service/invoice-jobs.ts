import {
  type ClientConfig,
  type InvoiceStatus,
  type Logger,
  type Period,
  periodContaining,
  periodOfDates,
  previousPeriod,
} from '@vahub/core';
import type { JobPayload } from '@vahub/jobs';
import { draftInvoicesCoalesced, isCoalesced } from '../flows/coalesced-run.js';
import { draftInvoices } from '../flows/draft-invoices.js';
import { clientById, type ServiceDeps } from './deps.js';
import { type LedgerReconcileSummary, reconcileClientLedger } from './ledger-jobs.js';

/** The period an `invoice.run` covers: the one that ended when the job was due, or the payload's own. */
export function periodOfRun(
  client: ClientConfig,
  period: JobPayload<'invoice.run'>['period'],
  scheduledFor: number,
): Period {
  if (period !== 'just-ended') return periodOfDates(period.firstDate, period.lastDate, client.timezone);
  const { cycle, weekStartsOn } = client.billing;
  const current = periodContaining(
    cycle === 'weekly' ? 'week' : 'month',
    scheduledFor,
    client.timezone,
    weekStartsOn,
  );
  return previousPeriod(current, weekStartsOn);
}

/**
 * `invoice.run`: one client's draft for one period, under the Redis lock `invoice-run:<clientId>`
 * (the flow takes it). Twice gives one draft: entries the first run tagged are not billed again,
 * and a run that stopped between the draft and the tags builds the same draft under the same
 * idempotency key, which the invoice app answers with the draft it already has. With the record of
 * complete runs (`deps.invoiceRuns`), a run asked for before another complete run of the period began
 * reading it does nothing and reads nothing (`draftInvoicesCoalesced` says why that is safe): runs
 * asked for at once, or again while one ran, cost one read of the period.
 */
export async function invoiceRunJob(
  deps: ServiceDeps,
  payload: JobPayload<'invoice.run'>,
  context: { scheduledFor: number; logger: Logger },
) {
  const client = clientById(deps, payload.clientId);
  const period = periodOfRun(client, payload.period, context.scheduledFor);
  const base = {
    clientId: client.id,
    period: { firstDate: period.firstDate, lastDate: period.lastDate },
    trigger: payload.trigger,
  };
  const input = {
    client,
    period,
    time: deps.ports.time,
    invoices: deps.ports.invoices,
    names: await deps.ports.time.names(client.id),
    lock: deps.lock,
  };
  // The ask's time is BullMQ's (the wall clock of whoever added the job, or the scheduler's firing),
  // so the read is stamped on the wall clock too (the default), never on the service's `deps.now`.
  const result = deps.invoiceRuns
    ? await draftInvoicesCoalesced(input, { askedAt: context.scheduledFor, runs: deps.invoiceRuns })
    : await draftInvoices(input);
  if (isCoalesced(result)) {
    const out = {
      ...base,
      invoiceId: null,
      total: null,
      tagged: 0,
      entriesRead: 0,
      coalesced: result.coalesced,
    };
    context.logger.info(
      out,
      'invoice run coalesced: a complete run began reading the period after this one was asked for',
    );
    return out;
  }
  const out = {
    ...base,
    invoiceId: result.invoice?.invoiceId ?? null,
    total: result.invoice?.total ?? null,
    tagged: result.tagged.length,
    entriesRead: result.entriesRead,
    reason: result.preview.reason,
  };
  context.logger.info(out, result.invoice ? 'invoice drafted' : 'nothing to invoice');
  return out;
}

/**
 * `event.invoice`: an invoice changed in the invoicing app (approved, deleted, voided, edited). Its
 * status is re-read, and the owning client's billing ledger reconciled over its recent periods: a
 * deleted or voided draft's entries become billable again, a live one's entries keep their tags. The
 * event names the invoice but not the client, so each client is asked until one has it.
 */
export async function invoiceChanged(
  deps: ServiceDeps,
  invoiceId: string,
  logger: Logger,
): Promise<{
  invoiceId: string;
  clientId: string | null;
  status: InvoiceStatus | null;
  ledger: LedgerReconcileSummary | null;
}> {
  for (const client of deps.config.clients) {
    const status = await deps.ports.invoices.getInvoiceStatus(client.id, invoiceId);
    if (status !== null) {
      logger.info({ invoiceId, clientId: client.id, status }, 'invoice status read');
      const ledger = await reconcileClientLedger(deps, client, logger);
      return { invoiceId, clientId: client.id, status, ledger };
    }
  }
  logger.info({ invoiceId }, 'invoice not found for any client');
  return { invoiceId, clientId: null, status: null, ledger: null };
}
