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
  const key = periodKey(client.id, period);
  // Every outcome below is about entries some draft's manifest names: released ones (only deleted or
  // voided drafts name them), missing tags and edits (a live draft names them). A period whose drafts
  // name no entry (none drafted yet, the current period) has nothing to reconcile, whatever its
  // entries are, so its report (a page per 50 entries) is not read. A draft made right after this
  // look is tagged by the run that makes it.
  const before = readLedger(key, await invoices.findPeriodDrafts(client.id, key));
  if (before.covered.size === 0 && before.released.size === 0) {
    return { periodKey: key, released: [], completedTags: [], edited: [] };
  }
  const entries = await time.listTimeEntries({
    clientId: client.id,
    start: formatInstant(period.start),
    end: formatInstant(period.end),
  });
  // The ledger as it is after the entries were read (the cache answers when nothing was written):
  // an entry a run billed again meanwhile is covered by its new draft, not released.
  const ledger = readLedger(key, await invoices.findPeriodDrafts(client.id, key));
  const released = entries.filter((e) => ledger.released.has(e.id) && hasTag(e, tag)).map((e) => e.id);
  if (released.length > 0) await time.untagEntries(client.id, released, tag);
  const missing = entries.filter((e) => ledger.covered.has(e.id) && !hasTag(e, tag)).map((e) => e.id);
  if (missing.length > 0) await time.tagEntries(client.id, missing, tag);
  return { periodKey: key, released, completedTags: missing, edited: editedEntries(ledger, entries) };
}
