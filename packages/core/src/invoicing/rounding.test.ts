import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeRounding, quantityUnits, roundSeconds, unitsToFixed, unitsToHours } from './rounding.js';

describe('roundSeconds', () => {
  it('rounds to the increment in each mode', () => {
    const r = (seconds: number, mode: 'up' | 'down' | 'nearest') =>
      roundSeconds(seconds, { minutes: 15, mode });
    expect([r(601, 'up'), r(601, 'down'), r(601, 'nearest')]).toEqual([900, 0, 900]);
    expect([r(449, 'nearest'), r(450, 'nearest'), r(451, 'nearest')]).toEqual([0, 900, 900]);
    expect([r(900, 'up'), r(900, 'down'), r(0, 'up')]).toEqual([900, 900, 0]);
    expect(roundSeconds(601, { minutes: 0, mode: 'up' })).toBe(601);
  });

  it('lands on a multiple of the increment, within one increment, in the mode’s direction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 240 }),
        fc.constantFrom('up', 'down', 'nearest') as fc.Arbitrary<'up' | 'down' | 'nearest'>,
        (seconds, minutes, mode) => {
          const step = minutes * 60;
          const out = roundSeconds(seconds, { minutes, mode });
          expect(out % step).toBe(0);
          expect(Math.abs(out - seconds)).toBeLessThan(step);
          if (mode === 'up') expect(out).toBeGreaterThanOrEqual(seconds);
          if (mode === 'down') expect(out).toBeLessThanOrEqual(seconds);
          if (mode === 'nearest') expect(Math.abs(out - seconds) * 2).toBeLessThanOrEqual(step);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('quantityUnits', () => {
  it('gives 4-decimal hours: exact where possible, else rounded in the mode’s direction', () => {
    expect(quantityUnits(6300, 'up')).toBe(17_500);
    expect(quantityUnits(360, 'down')).toBe(1000);
    // 600 s = 0.16666… h
    expect([quantityUnits(600, 'up'), quantityUnits(600, 'down'), quantityUnits(600, 'nearest')]).toEqual([
      1667, 1666, 1667,
    ]);
    // 1200 s = 0.33333… h
    expect([quantityUnits(1200, 'up'), quantityUnits(1200, 'nearest')]).toEqual([3334, 3333]);
  });

  it('agrees with bigint arithmetic on seconds × 10000 / 3600', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        const n = BigInt(seconds) * 10_000n;
        const floor = n / 3600n;
        const rest = n % 3600n;
        expect(quantityUnits(seconds, 'down')).toBe(Number(floor));
        expect(quantityUnits(seconds, 'up')).toBe(Number(rest > 0n ? floor + 1n : floor));
        expect(quantityUnits(seconds, 'nearest')).toBe(Number(rest * 2n >= 3600n ? floor + 1n : floor));
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatting', () => {
  it('writes units as fixed and as short hours', () => {
    expect([unitsToFixed(17_500), unitsToFixed(3), unitsToFixed(0)]).toEqual(['1.7500', '0.0003', '0.0000']);
    expect([
      unitsToHours(125_000),
      unitsToHours(17_500),
      unitsToHours(20_000),
      unitsToHours(100_000),
    ]).toEqual(['12.5', '1.75', '2', '10']);
    expect(describeRounding({ minutes: 6, mode: 'nearest', per: 'line' })).toBe(
      'the line total rounded to the nearest 6 min',
    );
  });
});
