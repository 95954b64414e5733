// The invoicing engine: tracked time → an exact, explainable invoice draft. Pure functions, no I/O.
export { retainerAlreadyInvoicedHours } from './already-invoiced.js';
export { buildInvoiceDraft, summariseExcluded } from './build-draft.js';
export { classifyEntries, type Eligibility, type EligibleEntry } from './eligibility.js';
export { checkInvoiceCurrency, InvoiceCurrencyError, InvoiceLimitError } from './errors.js';
export {
  type DraftManifest,
  decodeManifest,
  draftReference,
  encodeManifest,
  entryFingerprint,
  isLiveStatus,
  type LedgerEntry,
  LIVE_INVOICE_STATUSES,
  type PeriodDraft,
  periodKey,
  seqOfReference,
} from './ledger.js';
export { cachedLedgerSink, type LedgerCache, MemoryLedgerCache } from './ledger-cache.js';
export { type OverlapResult, resolveOverlaps } from './overlaps.js';
export { formatPreviewJson, formatPreviewText, previewObject } from './preview.js';
export { invoiceReference } from './reference.js';
export { type RetainerConfig, retainerCarryOver } from './retainer.js';
export { describeRounding, quantityUnits, roundSeconds, unitsToFixed, unitsToHours } from './rounding.js';
export { formatDateRange } from './text.js';
export type * from './types.js';
