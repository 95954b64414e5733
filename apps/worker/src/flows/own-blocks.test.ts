import { formatInstant } from '@vahub/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { busyWithoutBlocks } from './own-blocks.js';

const T0 = Date.parse('2026-12-07T08:00:00Z');
const at = (minute: number) => formatInstant(T0 + minute * 60_000);
const span = ([a, b]: [number, number]) => ({ start: at(Math.min(a, b)), end: at(Math.max(a, b)) });

describe('busyWithoutBlocks', () => {
  it('cuts vahub blocks out of busy time, keeping what is left on either side and its source', () => {
    const busy = [{ ...span([0, 120]), source: 'primary' }];
    const blocks = [span([30, 60]), span([100, 150])];
    expect(busyWithoutBlocks(busy, blocks)).toEqual([
      { ...span([0, 30]), source: 'primary' },
      { ...span([60, 100]), source: 'primary' },
    ]);
  });

  it('leaves busy time that no block touches alone, and drops busy time that is only a block', () => {
    const busy = [span([0, 30]), span([40, 70]), span([200, 230])];
    expect(busyWithoutBlocks(busy, [span([40, 70])])).toEqual([span([0, 30]), span([200, 230])]);
  });

  it('covers exactly the busy minutes that no block covers', () => {
    const interval = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 6 }), fc.array(interval, { maxLength: 6 }), (b, k) => {
        const busy = b.map(span);
        const blocks = k.map(span);
        const result = busyWithoutBlocks(busy, blocks);
        const inside = (list: { start: string; end: string }[], m: number) =>
          list.some((i) => Date.parse(i.start) <= T0 + m * 60_000 && T0 + m * 60_000 < Date.parse(i.end));
        for (const r of result) expect(Date.parse(r.end)).toBeGreaterThan(Date.parse(r.start));
        for (let m = 0; m <= 200; m++) {
          expect(inside(result, m)).toBe(inside(busy, m) && !inside(blocks, m));
        }
      }),
      { numRuns: 300 },
    );
  });
});
