import { type CreatedInvoice, type RetryOptions, type TimeSource, VahubError, withRetry } from '@vahub/core';

/**
 * Entries tagged per call. Toggl's bulk edit takes at most 100 ids; tagging in steps of our own lets
 * the flow know exactly which entries were tagged when a later step fails.
 */
export const TAG_BATCH_SIZE = 100;

/**
 * A draft invoice was created but only some of its entries were tagged as invoiced. Not retryable:
 * a new run would find the untagged rest unbilled and draft it a second time, so a person must
 * finish (or undo) the tagging first. `untaggedEntryIds` are the entries to tag.
 */
export class InvoiceTaggingIncompleteError extends VahubError {
  override name = 'InvoiceTaggingIncompleteError';
  /** Always false: running the flow again would bill `untaggedEntryIds` twice. */
  readonly retryable = false;
  readonly invoiceId: string;
  readonly invoiceNumber: string | null;
  readonly tag: string;
  readonly taggedEntryIds: readonly string[];
  readonly untaggedEntryIds: readonly string[];

  constructor(init: {
    invoice: CreatedInvoice;
    tag: string;
    tagged: readonly string[];
    untagged: readonly string[];
    cause: unknown;
  }) {
    const { invoice, tag, tagged, untagged } = init;
    const total = tagged.length + untagged.length;
    const draft = invoice.invoiceNumber
      ? `${invoice.invoiceNumber} (${invoice.invoiceId})`
      : invoice.invoiceId;
    const reason = init.cause instanceof Error ? init.cause.message : String(init.cause);
    super(
      `draft invoice ${draft} was created, but tagging is incomplete: ${untagged.length} of ${total} entries ` +
        `are not tagged "${tag}" (${reason}). Tag them "${tag}" in the time tracker, or delete the draft ` +
        `and untag the ${tagged.length} tagged ones, before billing this period again: a new run now ` +
        `would draft the untagged entries a second time.`,
      { cause: init.cause },
    );
    this.invoiceId = invoice.invoiceId;
    this.invoiceNumber = invoice.invoiceNumber;
    this.tag = tag;
    this.taggedEntryIds = [...tagged];
    this.untaggedEntryIds = [...untagged];
  }
}

/**
 * Tag the entries a created draft covers, batch by batch, each with core's retry (adding a tag
 * twice is harmless, so a 5xx may be repeated; a rate limit or quota is waited out up to
 * `retry.maxWaitMs`). If the first batch fails, nothing is tagged and the error goes up as it is:
 * a new run builds the same draft, the invoice sink answers the one it made, and the tagging
 * completes. If a later batch fails, `InvoiceTaggingIncompleteError`.
 */
export async function tagInvoiced(input: {
  time: TimeSource;
  invoice: CreatedInvoice;
  tag: string;
  clientId: string;
  entryIds: readonly string[];
  retry?: RetryOptions;
  /**
   * The billing ledger records the draft's entries before tagging, so a rerun completes the tags:
   * a batch that fails after others succeeded is rethrown as it is, not as
   * `InvoiceTaggingIncompleteError`.
   */
  repeatable?: boolean;
}): Promise<string[]> {
  const tagged: string[] = [];
  const ids = input.entryIds;
  for (let i = 0; i < ids.length; i += TAG_BATCH_SIZE) {
    const batch = ids.slice(i, i + TAG_BATCH_SIZE);
    try {
      await withRetry(() => input.time.tagEntries(input.clientId, batch, input.tag), input.retry);
    } catch (cause) {
      if (tagged.length === 0 || input.repeatable) throw cause;
      const done = new Set(tagged);
      const untagged = ids.filter((id) => !done.has(id));
      throw new InvoiceTaggingIncompleteError({
        invoice: input.invoice,
        tag: input.tag,
        tagged,
        untagged,
        cause,
      });
    }
    tagged.push(...batch);
  }
  return tagged;
}
