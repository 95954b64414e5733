import type { BillingConfig } from '../config/schema.js';
import type { InvoiceLine } from '../domain/types.js';
import { dec, toFixed } from '../money/decimal.js';
import type { LineSpec } from './retainer.js';
import { describeRounding, formatDuration, unitsToFixed } from './rounding.js';
import type { BuildInvoiceInput, LineExplanation, RateChoice, TimeGroup } from './types.js';

const RATE_WORDS: Record<RateChoice['source'], string> = {
  task: 'task rate',
  project: 'project rate',
  client: 'hourly rate',
  retainer: 'retainer amount',
  'retainer-overage': 'overage rate',
};

const MODE_WORDS = { up: 'up', down: 'down', nearest: 'half up' } as const;

/** A time group as a line of its own (clients without a retainer). */
export function timeLineSpec(group: TimeGroup, rounding: BillingConfig['rounding']): LineSpec {
  const n = group.entries.length;
  const how = rounding.minutes === 0 ? '' : `, ${describeRounding(rounding)}`;
  // 4 decimals hold the hours exactly only when the seconds are a multiple of 0.36 s (units × 9 = s × 25).
  const exact = group.quantityUnits * 9 === group.billedSeconds * 25;
  const hours = exact
    ? ''
    : ` = ${dec(group.billedSeconds).div(3600).toFixed(6)}… h, rounded ${MODE_WORDS[rounding.mode]} to 4 decimals`;
  return {
    kind: 'time',
    description: group.description,
    quantityUnits: group.quantityUnits,
    rate: group.rate,
    entries: group.entries,
    rawSeconds: group.rawSeconds,
    billedSeconds: group.billedSeconds,
    parts: [],
    summary:
      `${n} ${n === 1 ? 'entry' : 'entries'}: ${formatDuration(group.rawSeconds)} tracked${how}` +
      ` → ${formatDuration(group.billedSeconds)} billed${hours}`,
  };
}

/**
 * Xero keeps line amounts and totals at 2 decimals in every currency (JPY and KWD included), so the
 * engine does too: what vahub previews is what Xero shows, to the cent.
 */
export const XERO_AMOUNT_DIGITS = 2;

/**
 * Money for one line, the way Xero computes it: quantity (4 decimals) × unit amount (4 decimals),
 * rounded half up to 2 decimals. The quantity is rounded before the multiplication, so
 * the line amount is exactly what Xero recomputes from the quantity and unit amount it is sent.
 */
export function toInvoiceLine(input: {
  spec: LineSpec;
  currency: string;
  xero: BuildInvoiceInput['xero'];
  lineIndex: number;
  rounding: BillingConfig['rounding'];
}): { line: InvoiceLine; explanation: LineExplanation } {
  const { spec, currency } = input;
  const quantity = unitsToFixed(spec.quantityUnits);
  const exact = dec(quantity).times(spec.rate.unitAmount);
  const lineAmount = toFixed(exact, XERO_AMOUNT_DIGITS, 'half-up');
  const shownExact = exact.eq(lineAmount) ? '' : ` (${exact.toFixed()} rounded half up)`;
  return {
    line: {
      description: spec.description,
      quantity,
      unitAmount: spec.rate.unitAmount,
      lineAmount,
      accountCode: input.xero.accountCode,
      taxType: input.xero.taxType,
      entryIds: spec.entries.map((e) => e.entryId),
    },
    explanation: {
      lineIndex: input.lineIndex,
      kind: spec.kind,
      entries: spec.entries,
      rawSeconds: spec.rawSeconds,
      billedSeconds: spec.billedSeconds,
      rounding: describeRounding(input.rounding),
      rate: spec.rate,
      parts: spec.parts,
      summary: `${spec.summary}; ${quantity} × ${spec.rate.unitAmount} (${RATE_WORDS[spec.rate.source]}) = ${lineAmount} ${currency}${shownExact}`,
    },
  };
}
