import Big from 'big.js';
import { currencyDigits } from './currency.js';

/**
 * Exact decimal arithmetic for money. Amounts travel as decimal strings ("55.00") and are computed
 * with big.js: never as binary floats.
 */
export type Decimal = Big;

/** How to round to a number of digits. `up` and `down` are about magnitude: away from / toward zero. */
export type RoundingMode = 'half-up' | 'up' | 'down';

const BIG_MODE: Record<RoundingMode, Big.RoundingMode> = {
  down: Big.roundDown,
  'half-up': Big.roundHalfUp,
  up: Big.roundUp,
};

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/** Parse a decimal from a string like "55.00" or an integer number; a non-integer number is refused. */
export function dec(value: string | number | bigint | Big): Big {
  if (value instanceof Big) return value;
  if (typeof value === 'bigint') return new Big(value.toString());
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`refusing the binary float ${value}: pass money as a decimal string`);
    }
    return new Big(value);
  }
  if (!DECIMAL_TEXT.test(value.trim())) throw new RangeError(`"${value}" is not a decimal number`);
  return new Big(value.trim());
}

export function isDecimalText(value: string): boolean {
  return DECIMAL_TEXT.test(value.trim());
}

/** Round to `digits` decimal places with `mode`. */
export function roundTo(value: Big | string, digits: number, mode: RoundingMode = 'half-up'): Big {
  return dec(value).round(digits, BIG_MODE[mode]);
}

/** A decimal as a string with exactly `digits` decimal places (after rounding with `mode`). */
export function toFixed(value: Big | string, digits: number, mode: RoundingMode = 'half-up'): string {
  return roundTo(value, digits, mode).toFixed(digits);
}

/** Round an amount to the currency's minor units and return them as an integer (JPY 1234 → 1234n, AUD 1.5 → 150n). */
export function toMinorUnits(value: Big | string, currency: string, mode: RoundingMode = 'half-up'): bigint {
  const digits = currencyDigits(currency);
  return BigInt(roundTo(value, digits, mode).times(new Big(10).pow(digits)).toFixed(0));
}

/** Minor units back to a decimal string with the currency's digits: 150n AUD → "1.50". */
export function formatMinorUnits(minor: bigint, currency: string): string {
  const digits = currencyDigits(currency);
  return new Big(minor.toString()).div(new Big(10).pow(digits)).toFixed(digits);
}

/** An amount rounded to the currency's digits, as Xero shows it: "12.35" AUD, "1235" JPY. */
export function formatAmount(value: Big | string, currency: string, mode: RoundingMode = 'half-up'): string {
  return toFixed(value, currencyDigits(currency), mode);
}

/** Exact sum of decimal strings or decimals. */
export function sum(values: Iterable<Big | string>): Big {
  let total = new Big(0);
  for (const v of values) total = total.plus(dec(v));
  return total;
}

/** Decimals a value needs, ignoring trailing zeros: "10.120" → 2, "1000" → 0. */
export function decimalsOf(value: Big | string): number {
  const text = dec(value).toFixed();
  return (text.split('.')[1] ?? '').length;
}
