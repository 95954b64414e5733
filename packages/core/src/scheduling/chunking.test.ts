import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseChunk, evenRuns, roundUpNeed, splittable } from './chunking.js';

const M = 60_000;
/** Any limits, and tight ones (max < 2 × min, down to min = max), where not every length splits. */
const limits = fc.oneof(
  fc
    .tuple(fc.integer({ min: 5, max: 120 }), fc.integer({ min: 0, max: 240 }))
    .map(([min, extra]) => ({ min: min * M, max: (min + extra) * M })),
  fc
    .integer({ min: 5, max: 120 })
    .chain((min) => fc.integer({ min, max: 2 * min - 1 }).map((max) => ({ min: min * M, max: max * M }))),
);

/** The test's own reading, by brute force over whole minutes: k chunks within bounds sum to `len`. */
function splitsByBruteForce(len: number, l: { min: number; max: number }): boolean {
  if (len === 0) return true;
  for (let k = 1; k * l.min <= len; k++) if (len <= k * l.max) return true;
  return false;
}

describe('chunking', () => {
  it('rounds a need up to the nearest length that splits into chunks within the limits', () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 0, max: 2000 }), (l, r) => {
        const rounded = roundUpNeed(r * M, l);
        expect(rounded).toBeGreaterThanOrEqual(r * M);
        expect(splitsByBruteForce(rounded, l)).toBe(true);
        // The nearest: no whole-minute length between the need and the result splits.
        for (let len = r * M; len < rounded; len += M) expect(splitsByBruteForce(len, l)).toBe(false);
        expect(splittable(rounded, l)).toBe(true);
        expect(splittable(r * M, l)).toBe(splitsByBruteForce(r * M, l));
      }),
      { numRuns: 1500 },
    );
  });

  it('never chooses a chunk outside the limits, nor leaves a remainder that cannot be split', () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (l, r, a) => {
        const remaining = roundUpNeed(r * M, l);
        fc.pre(remaining > 0);
        const chunk = chooseChunk(remaining, a * M, l);
        const cap = Math.min(l.max, a * M);
        if (chunk === null) {
          // Skipped only when no chunk the stretch allows leaves a remainder that splits.
          for (let c = l.min; c <= cap; c += M) expect(splitsByBruteForce(remaining - c, l)).toBe(false);
          return;
        }
        expect(chunk).toBeGreaterThanOrEqual(l.min);
        expect(chunk).toBeLessThanOrEqual(cap);
        expect(splitsByBruteForce(remaining - chunk, l)).toBe(true);
        // The longest such chunk: as much of the stretch as possible is used.
        for (let c = chunk + M; c <= Math.min(cap, remaining); c += M)
          expect(splitsByBruteForce(remaining - c, l)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('places the whole rounded need in stretches that each hold a maximum chunk', () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 1, max: 2000 }), (l, r) => {
        let remaining = roundUpNeed(r * M, l);
        let chunks = 0;
        while (remaining > 0 && chunks <= 2000) {
          const chunk = chooseChunk(remaining, l.max, l);
          expect(chunk).not.toBeNull();
          remaining -= chunk as number;
          chunks++;
        }
        expect(remaining).toBe(0);
        expect(chunks).toBe(Math.ceil(roundUpNeed(r * M, l) / l.max));
      }),
      { numRuns: 1000 },
    );
  });

  it('rounds a need shorter than the minimum up to it, and leaves others alone', () => {
    expect(roundUpNeed(10 * M, { min: 30 * M, max: 120 * M })).toBe(30 * M);
    expect(roundUpNeed(0, { min: 30 * M, max: 120 * M })).toBe(0);
    expect(roundUpNeed(45 * M, { min: 30 * M, max: 120 * M })).toBe(45 * M);
  });

  it('rounds up to whole chunks when the maximum is under twice the minimum', () => {
    // 30-minute blocks only: 45 minutes is two blocks, 75 three.
    expect(roundUpNeed(45 * M, { min: 30 * M, max: 30 * M })).toBe(60 * M);
    expect(roundUpNeed(75 * M, { min: 30 * M, max: 30 * M })).toBe(90 * M);
    // 60 to 90: 100 minutes cannot be one chunk, and two hold at least 120.
    expect(roundUpNeed(100 * M, { min: 60 * M, max: 90 * M })).toBe(120 * M);
    expect(roundUpNeed(170 * M, { min: 60 * M, max: 90 * M })).toBe(170 * M);
    // 200 minutes in 60-90 chunks: taking 90 would leave 110, which does not split; take 80.
    expect(chooseChunk(200 * M, 90 * M, { min: 60 * M, max: 90 * M })).toBe(80 * M);
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
