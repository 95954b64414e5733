import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../time/zoned.js';
import { instantMs, isoOf } from './input.js';

const instant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) });

describe('instant text', () => {
  it('reads every ISO form exactly as Temporal does', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -14 * 60, max: 14 * 60 }), (ms, offset) => {
        const utc = new Date(ms).toISOString(); // …T09:00:00.123Z
        expect(instantMs(utc)).toBe(parseInstant(utc));
        expect(instantMs(utc.replace(/\.\d+Z$/, 'Z'))).toBe(parseInstant(utc.replace(/\.\d+Z$/, 'Z')));
        const shifted = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
        const sign = offset < 0 ? '-' : '+';
        const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
        const mm = String(Math.abs(offset) % 60).padStart(2, '0');
        const withOffset = `${shifted}${sign}${hh}:${mm}`;
        expect(instantMs(withOffset)).toBe(parseInstant(withOffset));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses dates that do not exist instead of rolling them over', () => {
    for (const bad of ['2026-02-30T09:00:00Z', '2026-13-01T00:00:00Z', '2026-04-05T24:30:00Z', 'soon']) {
      expect(() => instantMs(bad)).toThrow();
    }
  });

  it('writes the same text as formatInstant', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(isoOf(ms)).toBe(formatInstant(ms));
        expect(isoOf(ms - (ms % 1000))).toBe(formatInstant(ms - (ms % 1000)));
      }),
      { numRuns: 500 },
    );
  });
});
