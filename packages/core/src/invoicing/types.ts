import type { BillingConfig } from '../config/schema.js';
import type { InvoiceDraft, IsoDate, IsoInstant, TimeEntry } from '../domain/types.js';
import type { Period } from '../time/zoned.js';

/** Id → display name, as a Map or a plain object. */
export type NameMap = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Names the caller read from the time source, so line descriptions say "Social media", not "190001". */
export interface NameLookup {
  projects?: NameMap;
  tasks?: NameMap;
}

export interface BuildInvoiceInput {
  clientId: string;
  billing: BillingConfig;
  /** Where the invoice goes: the invoice sink's contact, account and tax type for this client. */
  xero: { contactId: string; accountCode: string; taxType: string };
  /** The billing period, from `periodContaining` / `periodOfDates` in the client's zone. */
  period: Period;
  entries: readonly TimeEntry[];
  names?: NameLookup;
  /** @defaultValue the day after the period's last date */
  invoiceDate?: IsoDate;
  /** The tag that marks time as invoiced; matched case-insensitively. @defaultValue `billing.invoicedTag` */
  invoicedTag?: string;
  /** Unused retainer hours carried in from the previous period (decimal string, ≤ 4 decimals). @defaultValue "0" */
  carriedOverHours?: string;
  /**
   * This period's retainer fee is already on an earlier draft, which used this many hours of the
   * allowance (decimal string). The new draft then bills only hours beyond what is left, with no
   * second retainer line. Leave it out for the period's first draft.
   */
  retainerAlreadyInvoicedHours?: string;
  /**
   * Ids of earlier drafts for the same time that the VA deleted or voided in Xero. They go into the
   * idempotency key, so the new draft is created instead of Xero answering with the deleted one.
   */
  supersedes?: readonly string[];
}

export type ExclusionReason =
  | 'duplicate'
  | 'deleted'
  | 'invalid'
  | 'outside-period'
  | 'running'
  | 'non-billable'
  | 'already-invoiced';

export interface ExcludedEntry {
  entryId: string;
  reason: ExclusionReason;
  /** Says what to do about it, for the VA. */
  detail: string;
}

/** Where a line's unit amount came from. */
export type RateSource = 'task' | 'project' | 'client' | 'retainer' | 'retainer-overage';

export interface RateChoice {
  source: RateSource;
  /** The task or project id whose override applied; null for client-wide rates. */
  sourceId: string | null;
  /** 4 decimals. */
  unitAmount: string;
}

/** How one entry was counted. `billedSeconds` differs from `rawSeconds` only under per-entry rounding. */
export interface EntryUse {
  entryId: string;
  start: IsoInstant;
  rawSeconds: number;
  billedSeconds: number;
}

/** A bucket of time before it becomes an invoice line (or, for retainer clients, part of one). */
export interface TimeGroup {
  label: string;
  /** The invoice line's description: "Social media — 12.5 h, 1–30 Nov 2026". */
  description: string;
  rate: RateChoice;
  entries: EntryUse[];
  rawSeconds: number;
  billedSeconds: number;
  /** Hours in ten-thousandths (1.75 h → 17500): Xero's 4-decimal quantity as an exact integer. */
  quantityUnits: number;
}

export interface LineExplanation {
  /** Index into `draft.lines`. */
  lineIndex: number;
  kind: 'time' | 'retainer' | 'overage';
  entries: EntryUse[];
  rawSeconds: number;
  billedSeconds: number;
  /** E.g. "each entry rounded up to 15 min" or "exact time". */
  rounding: string;
  rate: RateChoice;
  /** For retainer and overage lines: the time behind them, grouped as the client's grouping says. */
  parts: { label: string; quantity: string; entryIds: string[] }[];
  /** One sentence a person can check by hand. */
  summary: string;
}

/** Hours as decimal strings (up to 4 decimals). */
export interface RetainerUsage {
  includedHours: string;
  carriedInHours: string;
  /** Included + carried in. */
  allowanceHours: string;
  /** Hours already used by an earlier draft of this period. */
  alreadyInvoicedHours: string;
  /** Hours of this draft's entries, after rounding. */
  usedHours: string;
  /** Part of `usedHours` covered by the allowance. */
  coveredHours: string;
  /** Part of `usedHours` billed as overage: `coveredHours + overageHours = usedHours`. */
  overageHours: string;
  overageRate: RateChoice;
  rollover: boolean;
  /** Unused included hours that move to the next period (0 without rollover). */
  carryOverHours: string;
  /** Unused hours that lapse. */
  expiredHours: string;
}

interface ResultCommon {
  clientId: string;
  reference: string;
  period: Period;
  excluded: ExcludedEntry[];
  retainer: RetainerUsage | null;
}

export type BuildInvoiceResult =
  | (ResultCommon & { draft: InvoiceDraft; reason: null; explanations: LineExplanation[] })
  | (ResultCommon & { draft: null; reason: string; explanations: [] });
