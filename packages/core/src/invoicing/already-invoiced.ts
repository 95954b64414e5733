import type { BillingConfig } from '../config/schema.js';
import type { TimeEntry } from '../domain/types.js';
import type { Period } from '../time/zoned.js';
import { buildInvoiceDraft } from './build-draft.js';
import type { InvoiceTarget } from './types.js';

/**
 * The hours of a retainer period that an earlier draft already billed, or undefined when no entry
 * of the period is tagged as invoiced (or the client has no retainer): what `buildInvoiceDraft`
 * takes as `retainerAlreadyInvoicedHours`. A retainer's fee is billed once per period, but the
 * engine cannot know that an earlier draft exists; the tagged entries say so, and the hours they
 * used (as that draft counted them) are what it took from the allowance.
 */
export function retainerAlreadyInvoicedHours(input: {
  clientId: string;
  billing: BillingConfig;
  target: InvoiceTarget;
  period: Period;
  /** The period's entries as the time source has them, tags included. */
  entries: readonly TimeEntry[];
}): string | undefined {
  const { billing } = input;
  if (!billing.retainer) return undefined;
  const lower = billing.invoicedTag.toLowerCase();
  const billed = input.entries.filter((e) => e.tags.some((t) => t.toLowerCase() === lower));
  if (billed.length === 0) return undefined;
  const earlier = buildInvoiceDraft({
    clientId: input.clientId,
    billing,
    target: input.target,
    period: input.period,
    entries: billed.map((e) => ({ ...e, tags: e.tags.filter((t) => t.toLowerCase() !== lower) })),
    invoicedTag: billing.invoicedTag,
  });
  return earlier.retainer?.usedHours ?? '0';
}
