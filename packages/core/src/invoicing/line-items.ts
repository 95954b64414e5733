import type { BillingConfig } from '../config/schema.js';
import type { InvoiceLine } from '../domain/types.js';
import { dec } from '../money/decimal.js';
import type { CurrencyAmounts } from '../money/invoice-amounts.js';
import { ratio, ratioText, scaledText } from '../money/ratio.js';
import { formatCents, isExactAmount, type LineMoney, lineMoney } from './amounts.js';
import type { LineSpec } from './retainer.js';
import { describeRounding, formatDuration, unitsToFixed, unitsToHours } from './rounding.js';
import type { InvoiceTarget, LineExplanation, RateChoice, TimeGroup } from './types.js';

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
  const once =
    group.overlapSeconds > 0
      ? `, ${formatDuration(group.overlapSeconds)} of it overlapping other entries of the same person and billed once`
      : '';
  // 4 decimals hold the hours exactly only when the seconds are a multiple of 0.36 s (units × 9 = s × 25).
  const exact = group.quantityUnits * 9 === group.billedSeconds * 25;
  const hours = exact
    ? ''
    : ` = ${dec(group.billedSeconds).div(3600).toFixed(6)}… h, rounded ${MODE_WORDS[rounding.mode]} to 4 decimals`;
  const head = `${group.label} — ${unitsToHours(group.quantityUnits)} h`;
  return {
    kind: 'time',
    description: group.description,
    rateAt: group.description.startsWith(head) ? head.length : null,
    quantityUnits: group.quantityUnits,
    exactQuantity: ratio(group.billedSeconds, 3600),
    rate: group.rate,
    entries: group.entries,
    rawSeconds: group.rawSeconds,
    overlapSeconds: group.overlapSeconds,
    billedSeconds: group.billedSeconds,
    parts: [],
    summary:
      `${n} ${n === 1 ? 'entry' : 'entries'}: ${formatDuration(group.rawSeconds)} tracked${once}${how}` +
      ` → ${formatDuration(group.billedSeconds)} billed${hours}`,
  };
}

/** "4500", "38.5", "40.125": a rate as people write it. */
function shortRate(unitAmount: string): string {
  return dec(unitAmount).toFixed();
}

/** How the line's money came about, in words a person can check. */
function moneyWords(spec: LineSpec, money: LineMoney, rule: CurrencyAmounts): string {
  const { currency } = rule;
  const amount = formatCents(money.cents, rule);
  const rateWords = `(${RATE_WORDS[spec.rate.source]})`;
  if (rule.rounding === 'half-up') {
    // 2-decimal currencies: quantity × unit amount as the app computes it.
    const product = dec(money.quantity).times(money.unitAmount);
    const shown = product.eq(scaledText(money.cents, 2)) ? '' : ` (${product.toFixed()} rounded half up)`;
    return `${money.quantity} × ${money.unitAmount} ${rateWords} = ${amount} ${currency}${shown}`;
  }
  const exact = ratioText(money.exact);
  const asSent = unitsToFixed(spec.quantityUnits);
  const hours =
    ratioText(spec.exactQuantity) === dec(asSent).toFixed() ? asSent : ratioText(spec.exactQuantity);
  const rounded = isExactAmount(money) ? '' : `, rounded down to ${amount}`;
  const sent =
    money.encoding === 'single'
      ? `; sent as 1 × ${amount}, since ${asSent} × ${spec.rate.unitAmount} would come to ${scaledText(money.viaQuantity ?? 0n, 2)}`
      : '';
  return `${hours} × ${spec.rate.unitAmount} ${rateWords} = ${exact} ${currency}${rounded}${sent}`;
}

/**
 * Money for one line, the way the invoicing app computes it from what it is sent (see `lineMoney`),
 * so what vahub previews is what the app shows, and no line in a currency without cents or with a
 * third decimal bills more than its exact amount.
 */
export function toInvoiceLine(input: {
  spec: LineSpec;
  rule: CurrencyAmounts;
  target: Pick<InvoiceTarget, 'accountCode' | 'taxType'>;
  lineIndex: number;
  rounding: BillingConfig['rounding'];
}): { line: InvoiceLine; explanation: LineExplanation; money: LineMoney } {
  const { spec, rule } = input;
  const money = lineMoney({
    quantityUnits: spec.quantityUnits,
    exactQuantity: spec.exactQuantity,
    unitAmount: spec.rate.unitAmount,
    rule,
  });
  const description =
    money.encoding === 'single' && spec.rateAt !== null
      ? `${spec.description.slice(0, spec.rateAt)} at ${shortRate(spec.rate.unitAmount)} ${rule.currency}/h${spec.description.slice(spec.rateAt)}`
      : spec.description;
  return {
    money,
    line: {
      description,
      quantity: money.quantity,
      unitAmount: money.unitAmount,
      lineAmount: formatCents(money.cents, rule),
      accountCode: input.target.accountCode,
      taxType: input.target.taxType,
      entryIds: spec.entries.map((e) => e.entryId),
    },
    explanation: {
      lineIndex: input.lineIndex,
      kind: spec.kind,
      entries: spec.entries,
      rawSeconds: spec.rawSeconds,
      overlapSeconds: spec.overlapSeconds,
      billedSeconds: spec.billedSeconds,
      rounding: describeRounding(input.rounding),
      rate: spec.rate,
      parts: spec.parts,
      hours: unitsToFixed(spec.quantityUnits),
      exactAmount: ratioText(money.exact),
      encoding: money.encoding,
      summary: `${spec.summary}; ${moneyWords(spec, money, rule)}`,
    },
  };
}
