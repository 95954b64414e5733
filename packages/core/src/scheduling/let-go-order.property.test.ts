import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byCompare, byKey, stickyFrom } from './let-go-order.js';

const MIN = 60_000;

/** Tasks as the overload policy weighs them: few distinct demands and weights, as in real plans. */
const arbFields = fc.integer({ min: 0, max: 60 }).chain((n) =>
  fc.record({
    demand: fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 16 }).map((q) => q * 15 * MIN),
        fc.integer({ min: -MIN, max: 10_000 * MIN }),
      ),
      { minLength: n, maxLength: n },
    ),
    weight: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: n, maxLength: n }),
    soft: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
    late: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
    sticky: fc.boolean(),
  }),
);

describe('the order in which the overload policy lets work go', () => {
  it('is the same sorted on one number per task as compared field by field', () => {
    fc.assert(
      fc.property(arbFields, ({ sticky, ...raw }) => {
        const f = {
          demand: Float64Array.from(raw.demand),
          weight: Float64Array.from(raw.weight),
          soft: Uint8Array.from(raw.soft),
          late: Uint8Array.from(raw.late),
        };
        expect(byKey(f, sticky)).toEqual(byCompare(f, sticky));
      }),
      { numRuns: 2000 },
    );
  });

  it('with work late already first, is the plain order with that work moved ahead', () => {
    fc.assert(
      fc.property(arbFields, ({ sticky: _, ...raw }) => {
        const f = {
          demand: Float64Array.from(raw.demand),
          weight: Float64Array.from(raw.weight),
          soft: Uint8Array.from(raw.soft),
          late: Uint8Array.from(raw.late),
        };
        expect(stickyFrom(byCompare(f, false), f)).toEqual(byCompare(f, true));
      }),
      { numRuns: 2000 },
    );
  });
});
