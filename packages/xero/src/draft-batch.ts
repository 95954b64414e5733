import { ConnectorError, type CreatedInvoice, type InvoiceDraft, stableKey } from '@vahub/core';
import { toCreatedInvoice, toXeroInvoice } from './invoice-mapping.js';
import type { Invoice } from './sdk.js';

export type DraftResult = { ok: true; invoice: CreatedInvoice } | { ok: false; error: ConnectorError };

export interface PreparedBatch {
  /** One slot per draft, in order; filled for drafts refused before sending. */
  results: (DraftResult | null)[];
  sendable: { index: number; draft: InvoiceDraft; invoice: Invoice }[];
  /** The call's Idempotency-Key: the same set of drafts always gives the same key. */
  key: string;
}

/** Map the drafts that can be sent; the others get their refusal now and are left out of the call. */
export function prepareBatch(drafts: readonly InvoiceDraft[], operation: string): PreparedBatch {
  const results: (DraftResult | null)[] = [];
  const sendable: PreparedBatch['sendable'] = [];
  drafts.forEach((draft, index) => {
    try {
      sendable.push({ index, draft, invoice: toXeroInvoice(draft, operation) });
      results.push(null);
    } catch (err) {
      results.push({ ok: false, error: err as ConnectorError });
    }
  });
  const key = stableKey(['vahub-invoice-batch', ...sendable.map((s) => s.draft.idempotencyKey).sort()]);
  return { results, sendable, key };
}

/**
 * Read a `summarizeErrors=false` answer: Xero returns every invoice in order, the refused ones with
 * `StatusAttributeString: "ERROR"` and their `ValidationErrors`.
 */
export function finishBatch(batch: PreparedBatch, answered: Invoice[], operation: string): DraftResult[] {
  const results = [...batch.results];
  batch.sendable.forEach((s, i) => {
    const inv = answered[i];
    const messages = (inv?.validationErrors ?? []).map((v) => v.message ?? '').filter(Boolean);
    if (inv && messages.length === 0 && inv.statusAttributeString !== 'ERROR') {
      results[s.index] = { ok: true, invoice: toCreatedInvoice(inv, operation) };
      return;
    }
    results[s.index] = {
      ok: false,
      error: new ConnectorError({
        provider: 'xero',
        operation,
        status: 400,
        message: inv
          ? `Xero refused draft "${s.draft.reference}": ${messages.join('; ') || 'no reason given'}`
          : `Xero answered no invoice for draft "${s.draft.reference}"`,
        details: messages,
      }),
    };
  });
  return results as DraftResult[];
}
