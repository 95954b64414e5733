import { invoiceIdempotencyKey, stableKey } from '../crypto/ids.js';
import type { InvoiceDraft } from '../domain/types.js';
import { isDecimalText } from '../money/decimal.js';
import { currencyAmounts } from '../money/invoice-amounts.js';
import { isValidTimeZone, Temporal } from '../time/zoned.js';
import { priceLines } from './draft-money.js';
import { classifyEntries } from './eligibility.js';
import { checkInvoiceCurrency } from './errors.js';
import { timeLineSpec } from './line-items.js';
import { groupTime } from './lines.js';
import { resolveOverlaps } from './overlaps.js';
import { invoiceReference } from './reference.js';
import { type LineSpec, retainerLines } from './retainer.js';
import { formatDateRange } from './text.js';
import type { BuildInvoiceInput, BuildInvoiceResult, ExcludedEntry } from './types.js';

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
  currencyAmounts(input.billing.currency);
  const { tax, currencies } = input.target;
  if (currencies !== undefined) checkInvoiceCurrency(input.billing.currency, currencies);
  const rate = tax?.ratePercent;
  if (
    rate !== undefined &&
    (!isDecimalText(rate) || rate.trim().startsWith('-') || (rate.split('.')[1] ?? '').length > 4)
  ) {
    throw new RangeError(`target.tax.ratePercent must be a percentage such as "10" or "12.5", got "${rate}"`);
  }
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
 * Turns a client's time entries for one billing period into the draft invoice vahub sends to the
 * invoicing app, with an explanation of every line, every overlap of one person's entries and a
 * report of every entry left out. Pure: no I/O, no clock. Nothing to bill gives `{ draft: null,
 * reason }`, never a zero invoice. Throws `InvoiceCurrencyError` for a currency the target cannot
 * invoice in and `InvoiceLimitError` for amounts too large to carry exactly.
 */
export function buildInvoiceDraft(input: BuildInvoiceInput): BuildInvoiceResult {
  const date = checkInput(input);
  const { billing, period, clientId, target } = input;
  const reference = input.reference ?? invoiceReference(clientId, period);
  const { eligible, excluded, invoiced } = classifyEntries({
    entries: input.entries,
    period,
    invoicedTag: input.invoicedTag ?? billing.invoicedTag,
  });
  const { covered, overlaps } = resolveOverlaps({ eligible, invoiced, rule: billing.overlaps });
  const groups = groupTime({ eligible, billing, names: input.names ?? {}, period, covered });
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
  const rule = currencyAmounts(billing.currency);
  const common = { clientId, reference, period, excluded, overlaps, retainer, taxRate: target.tax ?? null };
  const when = formatDateRange(period.firstDate, period.lastDate);
  const nothing = (reason: string): BuildInvoiceResult => ({
    ...common,
    notices: [],
    draft: null,
    reason,
    explanations: [],
  });
  if (specs.length === 0) {
    if (eligible.length > 0) {
      return nothing(
        `the ${eligible.length} new entries (${retainer?.usedHours ?? '0'} h) fit in the retainer already invoiced for ${when}`,
      );
    }
    return nothing(`no billable time in ${when} (${summariseExcluded(excluded)})`);
  }
  const priced = priceLines({ specs, rule, target, billing });
  if (priced.subtotalCents === 0n) {
    return nothing(
      `nothing to bill in ${when}: ${eligible.length} billable entries come to 0 ${billing.currency}`,
    );
  }
  const { lines } = priced;
  const entryIds = eligible.map((e) => e.entry.id);
  const dueDate = date.add({ days: billing.paymentTermsDays }).toString();
  // Everything the app is sent, so a corrected draft never replays an older one under the same key.
  const content = stableKey([
    target.contactId,
    billing.currency,
    date.toString(),
    dueDate,
    billing.lineAmountTypes,
    JSON.stringify(
      lines.map((l) => {
        const sent = [l.description, l.quantity, l.unitAmount, l.lineAmount, l.accountCode, l.taxType];
        return l.taxAmountIsFixed ? [...sent, l.taxAmount] : sent;
      }),
    ),
  ]);
  const supersedes = [...(input.supersedes ?? [])].sort();
  const draft: InvoiceDraft = {
    clientId,
    contactId: target.contactId,
    currency: billing.currency,
    date: date.toString(),
    dueDate,
    reference,
    lineAmountTypes: billing.lineAmountTypes,
    lines,
    subtotal: priced.subtotal,
    ...(priced.totals ? { totals: priced.totals } : {}),
    entryIds,
    idempotencyKey: invoiceIdempotencyKey(clientId, reference, entryIds, [content, ...supersedes]),
    period: { firstDate: period.firstDate, lastDate: period.lastDate, zone: period.zone },
  };
  return {
    ...common,
    notices: priced.notices,
    draft,
    reason: null,
    explanations: priced.explanations,
  };
}
