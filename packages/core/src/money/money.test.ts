import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyDigits, isCurrencyCode } from './currency.js';
import {
  dec,
  formatAmount,
  formatMinorUnits,
  type RoundingMode,
  roundTo,
  sum,
  toMinorUnits,
} from './decimal.js';

/** The reference: round n / 10^scale to `digits` places with plain bigint arithmetic. */
function referenceRound(n: bigint, scale: number, digits: number, mode: RoundingMode): bigint {
  if (digits >= scale) return n * 10n ** BigInt(digits - scale);
  const divisor = 10n ** BigInt(scale - digits);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / divisor;
  const r = abs % divisor;
  if (mode === 'up' && r > 0n) q += 1n;
  if (mode === 'half-up' && r * 2n >= divisor) q += 1n;
  return negative ? -q : q;
}

const asText = (n: bigint, scale: number) => {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
};

const modes: RoundingMode[] = ['half-up', 'up', 'down'];

describe('currencies', () => {
  it('knows ISO 4217 minor units: JPY 0, AUD 2, KWD 3', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('AUD')).toBe(2);
    expect(currencyDigits('KWD')).toBe(3);
    expect(currencyDigits('CLF')).toBe(4);
    expect(isCurrencyCode('USD')).toBe(true);
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode('XAU')).toBe(false);
    expect(() => currencyDigits('ABC')).toThrow(/unknown ISO 4217/);
  });
});

describe('decimal rounding', () => {
  it('rounds as Xero does: half-up, $1.125 → $1.13', () => {
    expect(formatAmount('1.125', 'AUD')).toBe('1.13');
    expect(formatAmount('1.124999', 'AUD')).toBe('1.12');
    expect(formatAmount('1234.5', 'JPY')).toBe('1235');
    expect(formatAmount('1.2345', 'KWD')).toBe('1.235');
    expect(toMinorUnits('55.005', 'AUD')).toBe(5501n);
    expect(formatMinorUnits(5501n, 'AUD')).toBe('55.01');
  });

  it('refuses binary floats', () => {
    expect(() => dec(0.1)).toThrow(/binary float/);
    expect(() => dec('1e3')).toThrow(/not a decimal/);
    expect(dec(3).toString()).toBe('3');
  });

  it('never drifts from exact integer arithmetic, in any mode', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(...modes),
        (n, scale, digits, mode) => {
          const rounded = roundTo(asText(n, scale), digits, mode);
          expect(rounded.toFixed(digits)).toBe(asText(referenceRound(n, scale, digits, mode), digits));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps 0.1 + 0.2 exact where floats do not', () => {
    expect(sum(['0.1', '0.2']).toString()).toBe('0.3');
  });

  it('sums of rounded parts follow the rounding rule', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom('AUD', 'JPY', 'KWD'),
        (parts, currency) => {
          const texts = parts.map((p) => asText(p, 6));
          const exact = sum(texts);
          const each = (mode: RoundingMode) =>
            parts.reduce((t, p) => t + toMinorUnits(asText(p, 6), currency, mode), 0n);
          const whole = (mode: RoundingMode) => toMinorUnits(exact, currency, mode);
          // Rounding every part up never bills less than rounding the total up; down never more.
          expect(each('up') >= whole('up')).toBe(true);
          expect(each('down') <= whole('down')).toBe(true);
          // Half-up per part stays within half a minor unit per part of the exact total.
          const unit = dec(10).pow(-currencyDigits(currency));
          const drift = dec(formatMinorUnits(each('half-up'), currency))
            .minus(exact)
            .abs();
          expect(drift.lte(unit.times(parts.length).div(2))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
