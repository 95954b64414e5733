import {
  type ClientConfig,
  formatInstant,
  type InvoiceSink,
  type Period,
  periodKey,
  type TimeSource,
  VahubError,
} from '@vahub/core';
import { type EditedEntry, editedEntries, hasTag, keepsLedger, readLedger } from './ledger-state.js';

export interface ReconcileResult {
  periodKey: string;
  /** Entries whose tag came off: only deleted or voided drafts billed them, so they are billable again. */
  released: string[];
  /** Entries a live draft covers whose tag was missing, now tagged. */
  completedTags: string[];
  edited: EditedEntry[];
}

/**
 * Make the time tracker's tags agree with the period's drafts as the invoicing app has them now:
 * for the invoice webhook (a draft deleted or voided, an approval) and for a sweep of recent periods
 * that catches missed events. Drafts nothing; safe to repeat.
 */
export async function reconcileInvoiceStatus(input: {
  client: ClientConfig;
  period: Period;
  time: TimeSource;
  invoices: InvoiceSink;
}): Promise<ReconcileResult> {
  const { client, period, time, invoices } = input;
  if (!keepsLedger(invoices)) {
    throw new VahubError(
      `the invoice sink keeps no billing ledger (findPeriodDrafts, updateDraft, writeManifest): use an invoicing connector that keeps one, or reconcile the tags by hand`,
    );
  }
  const tag = client.billing.invoicedTag;
  const entries = await time.listTimeEntries({
    clientId: client.id,
    start: formatInstant(period.start),
    end: formatInstant(period.end),
  });
  const key = periodKey(client.id, period);
  const ledger = readLedger(key, await invoices.findPeriodDrafts(client.id, key));
  const released = entries.filter((e) => ledger.released.has(e.id) && hasTag(e, tag)).map((e) => e.id);
  if (released.length > 0) await time.untagEntries(client.id, released, tag);
  const missing = entries.filter((e) => ledger.covered.has(e.id) && !hasTag(e, tag)).map((e) => e.id);
  if (missing.length > 0) await time.tagEntries(client.id, missing, tag);
  return { periodKey: key, released, completedTags: missing, edited: editedEntries(ledger, entries) };
}
