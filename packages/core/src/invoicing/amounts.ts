import type { LineAmountTypes } from '../domain/types.js';
import { type CurrencyAmounts, INVOICE_AMOUNT_DIGITS } from '../money/invoice-amounts.js';
import { dividedBy, type Ratio, ratio, ratioOf, roundRatio, scaledText, times } from '../money/ratio.js';
import { unitsToFixed } from './rounding.js';

// Money on an invoice, the way the invoicing app computes it from what it is sent (Xero: "Rounding
// in Xero" and "Tax and the Xero API"): line amount = quantity × unit amount rounded half up to 2
// decimals; tax per line, rounded half up to 2 decimals; totals are sums of the rounded lines. Amounts
// are counted here in hundredths (the 2 decimals every invoice amount has) as exact integers.

const HUNDRED = 100n;

/** One line's money, as the invoice carries it. */
export interface LineMoney {
  /** 4 decimals. */
  quantity: string;
  /** 4 decimals. */
  unitAmount: string;
  /** In hundredths: what the app computes from quantity × unit amount. */
  cents: bigint;
  /** Billed hours × rate, before any rounding. */
  exact: Ratio;
  /** See `LineExplanation.encoding`. */
  encoding: 'quantity' | 'single';
  /** For a `single` line: what hours × rate would have come to in the app, in hundredths. */
  viaQuantity: bigint | null;
}

/**
 * Quantity, unit amount and line amount for `exactQuantity` × `unitAmount`.
 *
 * 2-decimal currencies keep the rule the app applies: the 4-decimal quantity × unit amount, half up.
 * Other currencies get the exact amount rounded down to what both the currency and the invoice hold
 * (whole yen; 0.01 KWD), so no line bills more than its exact amount. That amount is sent as hours ×
 * rate when the app's product comes to exactly it, else as 1 × the amount, the form the app's own
 * rounding guide recommends for precision it cannot hold; the description then names hours and rate.
 */
export function lineMoney(input: {
  quantityUnits: number;
  exactQuantity: Ratio;
  unitAmount: string;
  rule: CurrencyAmounts;
}): LineMoney {
  const quantity = unitsToFixed(input.quantityUnits);
  const unit = ratioOf(input.unitAmount);
  const viaQuantity = roundRatio(times(ratioOf(quantity), unit), INVOICE_AMOUNT_DIGITS, 'half-up');
  const exact = times(input.exactQuantity, unit);
  const same = { quantity, unitAmount: input.unitAmount, exact, encoding: 'quantity' as const };
  if (input.rule.rounding === 'half-up') return { ...same, cents: viaQuantity, viaQuantity: null };
  const step = 10n ** BigInt(INVOICE_AMOUNT_DIGITS - input.rule.amountDigits);
  const cents = roundRatio(exact, input.rule.amountDigits, 'down') * step;
  if (cents === viaQuantity) return { ...same, cents, viaQuantity: null };
  return {
    quantity: unitsToFixed(10_000),
    unitAmount: `${scaledText(cents, INVOICE_AMOUNT_DIGITS)}00`,
    cents,
    exact,
    encoding: 'single',
    viaQuantity,
  };
}

/** Tax on one line, in hundredths: the app's figure and the one kept, which is sent when they differ. */
export function lineTax(input: {
  cents: bigint;
  ratePercent: string;
  types: LineAmountTypes;
  rule: CurrencyAmounts;
}): { cents: bigint; fixed: boolean; app: bigint } {
  if (input.types === 'NoTax') return { cents: 0n, fixed: false, app: 0n };
  const rate = dividedBy(ratioOf(input.ratePercent), ratio(HUNDRED));
  const share = input.types === 'Exclusive' ? rate : dividedBy(rate, ratio(rate.num + rate.den, rate.den));
  const app = roundRatio(times(ratio(input.cents, HUNDRED), share), INVOICE_AMOUNT_DIGITS, 'half-up');
  // Whole-yen tax: the app's figure cut to the currency's unit, sent so the app keeps it.
  const step = 10n ** BigInt(INVOICE_AMOUNT_DIGITS - input.rule.amountDigits);
  const kept = (app / step) * step;
  return { cents: kept, fixed: kept !== app, app };
}

/** Subtotal before tax, tax and total from the rounded lines, in hundredths. */
export function totalsOf(
  lines: readonly { cents: bigint; tax: bigint }[],
  types: LineAmountTypes,
): { beforeTax: bigint; tax: bigint; total: bigint } {
  const sum = lines.reduce((n, l) => n + l.cents, 0n);
  const tax = lines.reduce((n, l) => n + l.tax, 0n);
  if (types === 'Inclusive') return { beforeTax: sum - tax, tax, total: sum };
  return { beforeTax: sum, tax, total: sum + tax };
}

/** Hundredths as an amount in the currency's own digits: 377500n JPY → "3775", 1012n KWD → "10.120". */
export function formatCents(cents: bigint, rule: CurrencyAmounts): string {
  const digits = rule.minorDigits;
  if (digits >= INVOICE_AMOUNT_DIGITS) {
    return scaledText(cents * 10n ** BigInt(digits - INVOICE_AMOUNT_DIGITS), digits);
  }
  const step = 10n ** BigInt(INVOICE_AMOUNT_DIGITS - digits);
  if (cents % step !== 0n)
    throw new RangeError(`${scaledText(cents, 2)} is not a whole ${rule.currency} amount`);
  return scaledText(cents / step, digits);
}

/** Whether the line amount is its exact amount, nothing rounded away. */
export function isExactAmount(money: Pick<LineMoney, 'exact' | 'cents'>): boolean {
  return money.exact.num * HUNDRED === money.cents * money.exact.den;
}
