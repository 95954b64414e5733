import { dec, roundTo, sum } from '@vahub/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT, draftOf, type Harness, rawNumbers, startHarness } from './test-support/harness.js';

let h: Harness;
let contactId: string;
beforeAll(async () => {
  h = await startHarness({ fake: { limits: { perMinute: 100_000, perDay: 100_000 } } });
  contactId = h.fake.addContact({ name: 'Koala Co' }).ContactID;
});
afterAll(() => h.stop());

/** A decimal string with up to `dp` decimals between 0 and `max` (as engines produce them). */
const decimalText = (max: number, dp: number) =>
  fc.integer({ min: 1, max: max * 10 ** dp }).map((n) =>
    dec(n)
      .div(10 ** dp)
      .toFixed(),
  );

const line = fc.record({
  quantity: decimalText(300, 2),
  unitAmount: decimalText(500, 4),
  taxType: fc.constantFrom('OUTPUT', 'NONE'),
});

describe('amounts reach Xero to the cent', () => {
  it('every amount on the wire is the draft’s own decimal, and Xero’s totals are the draft’s', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('Exclusive', 'Inclusive', 'NoTax' as const),
        async (lines, lineAmountTypes) => {
          run += 1;
          const draft = draftOf({ contactId, period: `run-${run}`, lineAmountTypes, lines });
          const created = await h.invoices.createDraft(CLIENT, draft);
          const req = h.fake.server.requestsTo('PUT', '/api.xro/2.0/Invoices').at(-1);
          const body = req?.body ?? '';
          const sentEq = (key: string, expected: string[]) =>
            rawNumbers(body, key).every((text, i) => dec(text).eq(dec(expected[i] ?? 'NaN'))) &&
            rawNumbers(body, key).length === expected.length;
          expect(
            sentEq(
              'Quantity',
              draft.lines.map((l) => l.quantity),
            ),
          ).toBe(true);
          expect(
            sentEq(
              'UnitAmount',
              draft.lines.map((l) => l.unitAmount),
            ),
          ).toBe(true);
          expect(
            sentEq(
              'LineAmount',
              draft.lines.map((l) => l.lineAmount),
            ),
          ).toBe(true);

          const stored = h.fake.invoices().find((i) => i.InvoiceID === created.invoiceId);
          const items = stored?.LineItems as { LineAmount: number; TaxAmount: number }[];
          items.forEach((item, i) => {
            const l = draft.lines[i]!;
            expect(dec(String(item.LineAmount)).eq(dec(l.lineAmount))).toBe(true);
            // Xero's rule, stated independently: tax on each line, rounded half-up to the cent.
            const rate = dec(l.taxType === 'OUTPUT' ? 10 : 0);
            const share =
              lineAmountTypes === 'NoTax'
                ? dec(0)
                : lineAmountTypes === 'Inclusive'
                  ? rate.div(rate.plus(100))
                  : rate.div(100);
            expect(dec(String(item.TaxAmount)).eq(roundTo(dec(l.lineAmount).times(share), 2))).toBe(true);
          });
          // Tax per line, rounded per line; the invoice total is the sum of rounded parts.
          const tax = sum(items.map((i) => String(i.TaxAmount)));
          const lineSum = dec(draft.subtotal);
          const expectedTotal = lineAmountTypes === 'Inclusive' ? lineSum : lineSum.plus(tax);
          expect(created.total).toBe(roundTo(expectedTotal, 2).toFixed(2));
          if (lineAmountTypes !== 'Inclusive') expect(dec(String(stored?.SubTotal)).eq(lineSum)).toBe(true);
        },
      ),
      { numRuns: 60, seed: 20261128 },
    );
  });
});
