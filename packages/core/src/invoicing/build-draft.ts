import { invoiceIdempotencyKey, stableKey } from '../crypto/ids.js';
import type { InvoiceDraft, InvoiceLine } from '../domain/types.js';
import { currencyDigits } from '../money/currency.js';
import { sum } from '../money/decimal.js';
import { isValidTimeZone, Temporal } from '../time/zoned.js';
import { classifyEntries } from './eligibility.js';
import { timeLineSpec, toInvoiceLine, XERO_AMOUNT_DIGITS } from './line-items.js';
import { groupTime } from './lines.js';
import { invoiceReference } from './reference.js';
import { type LineSpec, retainerLines } from './retainer.js';
import { formatDateRange } from './text.js';
import type { BuildInvoiceInput, BuildInvoiceResult, ExcludedEntry, LineExplanation } from './types.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function plainDate(text: string, what: string): Temporal.PlainDate {
  if (!ISO_DATE.test(text)) throw new RangeError(`${what} must be a date like "2026-12-01", got "${text}"`);
  try {
    return Temporal.PlainDate.from(text, { overflow: 'reject' });
  } catch {
    throw new RangeError(`${what} "${text}" is not a calendar date`);
  }
}

function checkInput(input: BuildInvoiceInput): Temporal.PlainDate {
  const { period } = input;
  if (!isValidTimeZone(period.zone))
    throw new RangeError(`period.zone "${period.zone}" is not an IANA time zone`);
  const first = plainDate(period.firstDate, 'period.firstDate');
  const last = plainDate(period.lastDate, 'period.lastDate');
  if (Temporal.PlainDate.compare(first, last) > 0 || !(period.start < period.end)) {
    throw new RangeError(`the period ${period.firstDate}..${period.lastDate} ends before it starts`);
  }
  currencyDigits(input.billing.currency);
  return input.invoiceDate === undefined
    ? last.add({ days: 1 })
    : plainDate(input.invoiceDate, 'invoiceDate');
}

/** "3 entries excluded: 2 non-billable, 1 running". */
export function summariseExcluded(excluded: readonly ExcludedEntry[]): string {
  if (excluded.length === 0) return 'no entries excluded';
  const counts = new Map<string, number>();
  for (const e of excluded) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
  const detail = [...counts].map(([reason, n]) => `${n} ${reason}`).join(', ');
  return `${excluded.length} ${excluded.length === 1 ? 'entry' : 'entries'} excluded: ${detail}`;
}

/**
 * Turns a client's time entries for one billing period into the draft invoice vahub sends to Xero,
 * with an explanation of every line and a report of every entry left out. Pure: no I/O, no clock.
 * Nothing to bill gives `{ draft: null, reason }`, never a zero invoice.
 */
export function buildInvoiceDraft(input: BuildInvoiceInput): BuildInvoiceResult {
  const date = checkInput(input);
  const { billing, period, clientId } = input;
  const reference = invoiceReference(clientId, period);
  const { eligible, excluded } = classifyEntries({
    entries: input.entries,
    period,
    invoicedTag: input.invoicedTag ?? billing.invoicedTag,
  });
  const groups = groupTime({ eligible, billing, names: input.names ?? {}, period });
  let specs: LineSpec[];
  let retainer: BuildInvoiceResult['retainer'] = null;
  if (billing.retainer) {
    const r = retainerLines({
      billing,
      groups,
      period,
      carriedOverHours: input.carriedOverHours ?? '0',
      alreadyInvoicedHours: input.retainerAlreadyInvoicedHours,
    });
    specs = r.lines;
    retainer = r.usage;
  } else {
    specs = groups.map((g) => timeLineSpec(g, billing.rounding));
  }
  const common = { clientId, reference, period, excluded, retainer };
  const when = formatDateRange(period.firstDate, period.lastDate);
  const nothing = (reason: string): BuildInvoiceResult => ({
    ...common,
    draft: null,
    reason,
    explanations: [],
  });
  if (specs.length === 0) {
    if (eligible.length === 0) return nothing(`no billable time in ${when} (${summariseExcluded(excluded)})`);
    return nothing(
      `the ${eligible.length} new entries (${retainer?.usedHours ?? '0'} h) fit in the retainer already invoiced for ${when}`,
    );
  }
  const lines: InvoiceLine[] = [];
  const explanations: LineExplanation[] = [];
  specs.forEach((spec, lineIndex) => {
    const made = toInvoiceLine({
      spec,
      currency: billing.currency,
      xero: input.xero,
      lineIndex,
      rounding: billing.rounding,
    });
    lines.push(made.line);
    explanations.push(made.explanation);
  });
  const subtotal = sum(lines.map((l) => l.lineAmount));
  if (subtotal.eq(0)) {
    return nothing(
      `nothing to bill in ${when}: ${eligible.length} billable entries come to 0 ${billing.currency}`,
    );
  }
  const entryIds = eligible.map((e) => e.entry.id);
  const dueDate = date.add({ days: billing.paymentTermsDays }).toString();
  // Everything Xero is sent, so a corrected draft never replays an older one under the same key.
  const content = stableKey([
    input.xero.contactId,
    billing.currency,
    date.toString(),
    dueDate,
    billing.lineAmountTypes,
    JSON.stringify(
      lines.map((l) => [l.description, l.quantity, l.unitAmount, l.lineAmount, l.accountCode, l.taxType]),
    ),
  ]);
  const supersedes = [...(input.supersedes ?? [])].sort();
  const draft: InvoiceDraft = {
    clientId,
    contactId: input.xero.contactId,
    currency: billing.currency,
    date: date.toString(),
    dueDate,
    reference,
    lineAmountTypes: billing.lineAmountTypes,
    lines,
    subtotal: subtotal.toFixed(XERO_AMOUNT_DIGITS),
    entryIds,
    idempotencyKey: invoiceIdempotencyKey(clientId, reference, entryIds, [content, ...supersedes]),
    period: { firstDate: period.firstDate, lastDate: period.lastDate, zone: period.zone },
  };
  return { ...common, draft, reason: null, explanations };
}
