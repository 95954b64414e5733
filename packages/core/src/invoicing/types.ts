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

/** The rate of the target's tax type, as the invoicing app applies it to each line. */
export interface TaxRate {
  /** Effective rate in percent, up to 4 decimals: "10", "12.5", "0". */
  ratePercent: string;
  /** Shown on the preview, e.g. "GST on Income". @defaultValue the tax type */
  name?: string;
}

/**
 * Where the draft goes, in the invoicing app's own terms: the contact, the revenue account and the
 * tax type of every line. The client's invoicing settings fit as they are.
 */
export interface InvoiceTarget {
  contactId: string;
  accountCode: string;
  taxType: string;
  /** The tax type's rate. With it the draft carries each line's tax and the totals; without, only the subtotal. */
  tax?: TaxRate;
  /**
   * ISO codes the organisation can invoice in (its base currency and those it added). When given,
   * a draft in another currency is refused with `InvoiceCurrencyError` before anything is sent.
   */
  currencies?: readonly string[];
}

export interface BuildInvoiceInput {
  /** The draft's `Reference`; default the period's ("vahub koala-co 2026-11"). A supplementary draft's is "… sup1". */
  reference?: string;
  clientId: string;
  billing: BillingConfig;
  /** The client's invoicing settings: contact, account, tax type (and, when known, the tax rate). */
  target: InvoiceTarget;
  /** The billing period, from `periodContaining` / `periodOfDates` in the client's zone. */
  period: Period;
  entries: readonly TimeEntry[];
  names?: NameLookup;
  /** @defaultValue the day after the period's last date */
  invoiceDate?: IsoDate;
  /** The tag that marks time as invoiced; matched case-insensitively. @defaultValue `billing.invoicedTag` */
  invoicedTag?: string;
  /**
   * Unused retainer hours carried in from the previous period (decimal string, ≤ 4 decimals): the
   * previous period's `retainer.carryOverHours`, so a ledger chains periods. @defaultValue "0"
   */
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

/**
 * How an entry was counted: `rawSeconds` tracked, `overlapSeconds` of them already covered by another
 * entry of the same person (billed once), and `billedSeconds` after per-entry rounding of the rest
 * (equal to `rawSeconds - overlapSeconds` without it).
 */
export interface EntryUse {
  entryId: string;
  start: IsoInstant;
  rawSeconds: number;
  overlapSeconds: number;
  billedSeconds: number;
}

/**
 * Two entries of one person covering the same minutes. `entryId` is the one whose minutes are billed
 * again: the later-starting of two entries of this draft, or this draft's entry when `coveredBy` was
 * billed on an earlier invoice.
 */
export interface TimeOverlap {
  entryId: string;
  coveredBy: string;
  /** The person, when the entries say (`TimeEntry.userId`). */
  userId: string | null;
  start: IsoInstant;
  end: IsoInstant;
  seconds: number;
  /** `once`: taken off `entryId` (the default rule); `twice`: billed on both, as `billing.overlaps` says. */
  billed: 'once' | 'twice';
}

/** A bucket of time before it becomes an invoice line (or, for retainer clients, part of one). */
export interface TimeGroup {
  label: string;
  /** The invoice line's description: "Social media — 12.5 h, 1–30 Nov 2026". */
  description: string;
  rate: RateChoice;
  entries: EntryUse[];
  rawSeconds: number;
  /** Seconds of `rawSeconds` covered by overlapping entries and not billed again. */
  overlapSeconds: number;
  billedSeconds: number;
  /** Hours in ten-thousandths (1.75 h → 17500): the invoice's 4-decimal quantity as an exact integer. */
  quantityUnits: number;
}

export interface LineExplanation {
  /** Index into `draft.lines`. */
  lineIndex: number;
  kind: 'time' | 'retainer' | 'overage';
  entries: EntryUse[];
  rawSeconds: number;
  /** Seconds of `rawSeconds` covered by overlapping entries and not billed again. */
  overlapSeconds: number;
  billedSeconds: number;
  /** E.g. "each entry rounded up to 15 min" or "exact time". */
  rounding: string;
  rate: RateChoice;
  /** For retainer and overage lines: the time behind them, grouped as the client's grouping says. */
  parts: { label: string; quantity: string; entryIds: string[] }[];
  /** The billed hours with 4 decimals, as hours × rate would send them ("1.0000" for a fixed fee): `quantity` unless `encoding` is `single`. */
  hours: string;
  /** The amount before rounding to the invoice's precision: billed hours × rate, exactly (or to 6 decimals and "…"). */
  exactAmount: string;
  /**
   * `quantity`: the line is hours × rate. `single`: quantity 1 × the line amount, with hours and rate
   * in the description, because hours × rate would not come to the amount (yen, 3-decimal currencies).
   */
  encoding: 'quantity' | 'single';
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
  /** `billing.retainer.maxCarryOverHours`, or null without a cap. */
  carryOverCapHours: string | null;
  /** Unused included hours that move to the next period (0 without rollover, at most the cap): the next period's `carriedOverHours`. */
  carryOverHours: string;
  /** Unused hours that lapse (carried-in hours not used, and included hours beyond the cap). */
  expiredHours: string;
}

interface ResultCommon {
  clientId: string;
  reference: string;
  period: Period;
  excluded: ExcludedEntry[];
  /** Every overlap between a billed entry and another entry of the same person, sorted by start. */
  overlaps: TimeOverlap[];
  retainer: RetainerUsage | null;
  /** The tax rate behind `draft.totals` (the target's), or null when none was given. */
  taxRate: TaxRate | null;
  /** Things the VA should know about the amounts, e.g. how a 3-decimal currency is rounded. */
  notices: string[];
}

export type BuildInvoiceResult =
  | (ResultCommon & { draft: InvoiceDraft; reason: null; explanations: LineExplanation[] })
  | (ResultCommon & { draft: null; reason: string; explanations: [] });
