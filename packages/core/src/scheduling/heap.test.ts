import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from './heap.js';

describe('MinHeap', () => {
  it('pops the smallest value held, whatever the order of pushes and pops', () => {
    const ops = fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }), { maxLength: 200 });
    fc.assert(
      fc.property(ops, (list) => {
        const heap = new MinHeap(list.length);
        const model: number[] = [];
        for (const op of list) {
          if (op === null) {
            model.sort((a, b) => a - b);
            expect(heap.pop()).toBe(model.shift());
          } else {
            heap.push(op);
            model.push(op);
          }
          expect(heap.size).toBe(model.length);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
