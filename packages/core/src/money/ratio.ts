import type { RoundingMode } from './decimal.js';

/**
 * An exact fraction of integers, for amounts that decimals cannot hold: 601 s is 601/3600 h, and
 * 601/3600 h × ¥4,500 is exactly ¥751.25. Rounding happens once, at the end, by a stated rule.
 */
export interface Ratio {
  num: bigint;
  /** Always positive. */
  den: bigint;
}

const TEN = 10n;

/** A decimal string ("55.0000", "-1.5", "3") as a ratio. */
export function ratioOf(text: string): Ratio {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) throw new RangeError(`"${text}" is not a decimal number`);
  const [whole = '0', frac = ''] = trimmed.split('.');
  return { num: BigInt(`${whole}${frac}`), den: TEN ** BigInt(frac.length) };
}

export function ratio(num: bigint | number, den: bigint | number = 1n): Ratio {
  const d = BigInt(den);
  if (d === 0n) throw new RangeError('a ratio cannot have a zero denominator');
  return d < 0n ? { num: -BigInt(num), den: -d } : { num: BigInt(num), den: d };
}

export function times(a: Ratio, b: Ratio): Ratio {
  return { num: a.num * b.num, den: a.den * b.den };
}

export function dividedBy(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den, a.den * b.num);
}

/** The ratio rounded to `digits` decimals, as an integer count of 10^-digits: ¥751.25 at 0 digits down → 751n. */
export function roundRatio(r: Ratio, digits: number, mode: RoundingMode): bigint {
  const n = r.num * TEN ** BigInt(digits);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / r.den;
  const rest = abs % r.den;
  if (rest > 0n && (mode === 'up' || (mode === 'half-up' && rest * 2n >= r.den))) q += 1n;
  return negative ? -q : q;
}

/** An integer count of 10^-digits as a decimal string with exactly `digits` decimals: 75125n, 2 → "751.25". */
export function scaledText(units: bigint, digits: number): string {
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const body = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${body}` : body;
}

/** Whether the ratio is exactly a decimal with at most `digits` decimals. */
export function fitsDigits(r: Ratio, digits: number): boolean {
  return (r.num * TEN ** BigInt(digits)) % r.den === 0n;
}

/** For people: every digit when it ends within `maxDigits` decimals ("751.25"), else 6 decimals and "…". */
export function ratioText(r: Ratio, maxDigits = 8): string {
  for (let d = 0; d <= maxDigits; d++) {
    if (fitsDigits(r, d)) return scaledText(roundRatio(r, d, 'down'), d);
  }
  return `${scaledText(roundRatio(r, 6, 'down'), 6)}…`;
}
