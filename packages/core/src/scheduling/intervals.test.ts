import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLocal } from './explain.js';
import { mergedCopy, mergeIntervals, unionOf } from './intervals.js';
import { ZONES } from './test-arbitraries.js';

describe('unionOf', () => {
  it('merges intervals given as starts and ends exactly as mergeIntervals does', () => {
    const interval = fc
      .tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 60 }))
      .map(([start, len]) => ({ start, end: start + len }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 40 }), (list) => {
        const union = unionOf(
          Float64Array.from(list, (i) => i.start),
          Float64Array.from(list, (i) => i.end),
        );
        expect(union).toEqual(mergeIntervals(list));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('mergedCopy', () => {
  it('gives what mergeIntervals gives, merged lists (its shortcut) and any other alike', () => {
    const interval = fc
      .tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: -5, max: 60 }))
      .map(([start, len]) => ({ start, end: start + len }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 40 }), fc.boolean(), (list, merged) => {
        const input = merged ? mergeIntervals(list) : list;
        const copy = mergedCopy(input);
        expect(copy).toEqual(mergeIntervals(input));
        expect(copy).not.toBe(input);
      }),
      { numRuns: 1000 },
    );
  });
});

const formats = new Map<string, Intl.DateTimeFormat>();

/** Intl's own reading of the wall clock, field by field: the slow, obviously right way. */
function reference(ms: number, zone: string): string {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const { type, value } of f.formatToParts(ms)) p[type] = value;
  return `${p.weekday} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

describe('formatLocal', () => {
  it('reads the wall clock as Intl does, on DST days too (a cached offset per zone and day)', () => {
    // Every 97 minutes through 2026 (so every minute of the hour comes round) in zones with DST
    // shifts of an hour and of 30 minutes.
    for (const zone of [...ZONES, 'America/St_Johns']) {
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 97 * 60_000) {
        expect(formatLocal(ms, zone)).toBe(reference(ms, zone));
      }
    }
  });

  it('agrees at any instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...ZONES),
        (ms, zone) => {
          expect(formatLocal(ms, zone)).toBe(reference(ms, zone));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
