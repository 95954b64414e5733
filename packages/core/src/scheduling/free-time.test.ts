import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeList } from './free-time.js';

const M = 60_000;
const limits = { min: 15 * M, max: 60 * M };

/** The same free time as a set of free minutes: slow, obviously right. */
function minutesOf(list: FreeList): Set<number> {
  const set = new Set<number>();
  for (const i of list.intervals()) for (let t = i.start; t < i.end; t += M) set.add(t / M);
  return set;
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('fill' as const),
    need: fc.integer({ min: 15, max: 200 }),
    from: fc.integer({ min: 0, max: 600 }),
  }),
  fc.record({ kind: fc.constant('give-back' as const), pick: fc.nat() }),
);

describe('FreeList', () => {
  it('takes exactly what it hands out and gives back exactly what it is given, joining neighbours', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 120 })), {
          maxLength: 8,
        }),
        fc.array(op, { maxLength: 20 }),
        (gaps, ops) => {
          const initial: { start: number; end: number }[] = [];
          let at = 0;
          for (const [gap, len] of gaps) {
            at += gap * M;
            initial.push({ start: at, end: at + len * M });
            at += len * M;
          }
          const free = new FreeList(initial, limits);
          const model = minutesOf(free);
          const held: { start: number; end: number }[] = [];
          for (const o of ops) {
            if (o.kind === 'fill') {
              const pieces = free.fill(o.need * M, o.from * M);
              for (const p of pieces) {
                expect(p.start).toBeGreaterThanOrEqual(o.from * M);
                expect(p.end - p.start).toBeGreaterThanOrEqual(limits.min);
                expect(p.end - p.start).toBeLessThanOrEqual(limits.max);
                for (let t = p.start; t < p.end; t += M) expect(model.delete(t / M)).toBe(true);
              }
              held.push(...pieces);
            } else if (held.length > 0) {
              const [p] = held.splice(o.pick % held.length, 1) as [{ start: number; end: number }];
              free.give(p.start, p.end);
              for (let t = p.start; t < p.end; t += M) model.add(t / M);
            }
            expect(minutesOf(free)).toEqual(model);
            // Touching free intervals are always joined: a chunk may use the whole stretch.
            const list = free.intervals();
            for (let i = 1; i < list.length; i++)
              expect(list[i]?.start).toBeGreaterThan(list[i - 1]?.end ?? 0);
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('takes a free stretch only if all of it is free, and snapshots restore exactly', () => {
    const free = new FreeList(
      [
        { start: 0, end: 60 * M },
        { start: 90 * M, end: 120 * M },
      ],
      limits,
    );
    const before = free.snapshot();
    expect(free.take(50 * M, 95 * M)).toBe(false);
    expect(free.take(10 * M, 20 * M)).toBe(true);
    expect(free.intervals()).toEqual([
      { start: 0, end: 10 * M },
      { start: 20 * M, end: 60 * M },
      { start: 90 * M, end: 120 * M },
    ]);
    free.restore(before);
    expect(free.intervals()).toEqual([
      { start: 0, end: 60 * M },
      { start: 90 * M, end: 120 * M },
    ]);
  });
});
