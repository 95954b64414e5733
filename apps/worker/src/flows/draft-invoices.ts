import {
  type BuildInvoiceResult,
  buildInvoiceDraft,
  type ClientConfig,
  type CreatedInvoice,
  formatInstant,
  type InvoiceSink,
  type IsoDate,
  type Lock,
  type NameLookup,
  type Period,
  type RetryOptions,
  retainerAlreadyInvoicedHours,
  type TimeEntry,
  type TimeSource,
} from '@vahub/core';
import { type LedgerReport, runWithLedger } from './ledger-run.js';
import { keepsLedger } from './ledger-state.js';
import { tagInvoiced } from './tag-invoiced.js';

export interface DraftInvoicesInput {
  client: ClientConfig;
  /** The billing period, in the client's zone (`periodContaining` / `previousPeriod` / `periodOfDates`). */
  period: Period;
  time: TimeSource;
  invoices: InvoiceSink;
  /** Project and task names, so lines read "Social media", not "190001". */
  names?: NameLookup;
  /** Unused retainer hours carried in from the previous period (decimal string). */
  carriedOverHours?: string;
  /** @defaultValue the day after the period */
  invoiceDate?: IsoDate;
  /** Ids of earlier drafts of this time that the VA deleted or voided in Xero (see `buildInvoiceDraft`). */
  supersedes?: readonly string[];
  /**
   * Held for the whole run, keyed by client: two runs for one client (two workers, a retry next to
   * a manual `vahub invoice`) must not both bill the same untagged entries. The Redis lock in
   * production; without one the run is not guarded.
   */
  lock?: Lock;
  /**
   * Retries of each tagging call after the draft is created (sleep injectable for tests).
   * @defaultValue core's `withRetry` defaults: 4 tries for 5xx and network errors, rate limits and
   * quotas waited out when they ask for at most 60 s
   */
  tagRetry?: RetryOptions;
}

export interface DraftInvoicesResult {
  /** What the invoicing engine made of the period's entries: the draft (or why there is none), lines explained, exclusions. */
  preview: BuildInvoiceResult;
  /** The Xero draft; null when there was nothing (new) to bill. */
  invoice: CreatedInvoice | null;
  /** Entries tagged as invoiced by this run. */
  tagged: string[];
  /** Entries read from the time source for the period. */
  entriesRead: number;
  /**
   * What the billing ledger did (present when the invoice sink keeps one): the period key, created /
   * updated / supplementary / none, carried-in hours, released and completed tags, edited entries.
   */
  ledger?: LedgerReport;
}

/**
 * Tracked time into a draft invoice: read the client's entries for the period, build the draft,
 * create it in the invoice sink under the draft's idempotency key, then tag the entries it covers.
 *
 * Never bills twice. Tagged entries are excluded by the engine, so a second run finds nothing new. A
 * crash between creating and tagging leaves the entries untagged: the next run builds the same draft
 * with the same key, the sink answers the invoice it already made, and the tagging completes.
 * Tagging that stops partway throws `InvoiceTaggingIncompleteError` (not retryable; see the README's
 * known gaps).
 */
export function draftInvoices(input: DraftInvoicesInput): Promise<DraftInvoicesResult> {
  const run = () => draftUnlocked(input);
  return input.lock ? input.lock.withLock(runLockKey(input.client.id), run) : run();
}

/** The lock a client's invoice runs are held under, one at a time across every process. */
export const runLockKey = (clientId: string) => `invoice-run:${clientId}`;

/** One run without the lock: the caller holds `runLockKey` (or runs alone). */
export async function draftUnlocked(input: DraftInvoicesInput): Promise<DraftInvoicesResult> {
  const { client, period } = input;
  const entries = await listEntries(input.time, client, period);
  if (keepsLedger(input.invoices)) {
    const run = await runWithLedger({ ...input, invoices: input.invoices, entries });
    return { ...run, entriesRead: entries.length };
  }
  const tag = client.billing.invoicedTag;
  const preview = buildInvoiceDraft({
    clientId: client.id,
    billing: client.billing,
    target: input.invoices.target(client.id),
    period,
    entries,
    names: input.names,
    carriedOverHours: input.carriedOverHours,
    invoiceDate: input.invoiceDate,
    supersedes: input.supersedes,
    invoicedTag: tag,
    // A retainer's fee is billed once per period: tagged entries say an earlier draft billed it. (A
    // period with no hours at all has no tagged entries; its fee-only draft has the same
    // idempotency key every time, so the sink answers the first one again.)
    retainerAlreadyInvoicedHours: retainerAlreadyInvoicedHours({
      clientId: client.id,
      billing: client.billing,
      target: input.invoices.target(client.id),
      period,
      entries,
    }),
  });
  if (preview.draft === null) return { preview, invoice: null, tagged: [], entriesRead: entries.length };
  const invoice = await input.invoices.createDraft(client.id, preview.draft);
  const covered = new Set(preview.draft.entryIds);
  const tagged = await tagInvoiced({
    time: input.time,
    invoice,
    tag,
    clientId: client.id,
    entryIds: entries.filter((e) => covered.has(e.id)).map((e) => e.id),
    ...(input.tagRetry ? { retry: input.tagRetry } : {}),
  });
  return { preview, invoice, tagged, entriesRead: entries.length };
}

/** The client's entries that started in the period; which projects are the client's is the time source's business. */
function listEntries(time: TimeSource, client: ClientConfig, period: Period): Promise<TimeEntry[]> {
  return time.listTimeEntries({
    clientId: client.id,
    start: formatInstant(period.start),
    end: formatInstant(period.end),
  });
}
