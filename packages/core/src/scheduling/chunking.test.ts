import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseChunk, evenRuns, roundUpNeed } from './chunking.js';

const M = 60_000;
const limits = fc
  .tuple(fc.integer({ min: 5, max: 120 }), fc.integer({ min: 0, max: 240 }))
  .map(([min, extra]) => ({ min: min * M, max: (min + extra) * M }));

describe('chunking', () => {
  it('never chooses a chunk outside the limits, nor leaves a remainder below the minimum', () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (l, r, a) => {
        const remaining = roundUpNeed(r * M, l);
        fc.pre(remaining > 0);
        const chunk = chooseChunk(remaining, a * M, l);
        if (chunk === null) {
          // Skipped only when no split works: the stretch is too short, or the need cannot be cut.
          const cap = Math.min(l.max, a * M);
          expect(cap < l.min || (remaining > cap && remaining < 2 * l.min)).toBe(true);
          return;
        }
        expect(chunk).toBeGreaterThanOrEqual(l.min);
        expect(chunk).toBeLessThanOrEqual(Math.min(l.max, a * M));
        const left = remaining - chunk;
        expect(left === 0 || left >= l.min).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('rounds a need shorter than the minimum up to it, and leaves others alone', () => {
    expect(roundUpNeed(10 * M, { min: 30 * M, max: 120 * M })).toBe(30 * M);
    expect(roundUpNeed(0, { min: 30 * M, max: 120 * M })).toBe(0);
    expect(roundUpNeed(45 * M, { min: 30 * M, max: 120 * M })).toBe(45 * M);
  });

  it('evens out back-to-back chunks without changing the time they cover', () => {
    fc.assert(
      fc.property(
        limits,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1000 }))),
        (l, parts) => {
          // Chunks as the planner makes them: each within the limits, some touching, some not.
          const pieces: { start: number; end: number }[] = [];
          let at = 0;
          for (const [gap, extra] of parts) {
            at += gap * 5 * M;
            const len = l.min + ((extra * M) % (l.max - l.min + M));
            pieces.push({ start: at, end: at + len });
            at += len;
          }
          const out = evenRuns(pieces, l);
          const total = (xs: { start: number; end: number }[]) => xs.reduce((s, x) => s + x.end - x.start, 0);
          expect(total(out)).toBe(total(pieces));
          for (const c of out) {
            expect(c.end - c.start).toBeGreaterThanOrEqual(l.min);
            expect(c.end - c.start).toBeLessThanOrEqual(l.max);
            expect((c.end - c.start) % M).toBe(0);
            expect(pieces.some((p) => p.start <= c.start && c.start < p.end)).toBe(true);
          }
          expect(out.length).toBeLessThanOrEqual(pieces.length);
        },
      ),
      { numRuns: 1000 },
    );
    expect(
      evenRuns(
        [
          { start: 0, end: 100 * M },
          { start: 100 * M, end: 130 * M },
        ],
        { min: 30 * M, max: 120 * M },
      ),
    ).toEqual([
      { start: 0, end: 65 * M },
      { start: 65 * M, end: 130 * M },
    ]);
  });
});
