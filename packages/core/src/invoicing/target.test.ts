import { describe, expect, it } from 'vitest';
import { InvoiceCurrencyError, InvoiceLimitError } from './errors.js';
import { formatPreviewText } from './preview.js';
import { appTotals, cents } from './test-app-arithmetic.js';
import { billing, build, draftOf, entry, month, TARGET } from './test-fixtures.js';

// The target: tax as the invoicing app computes it, the organisation's currencies, and amounts too
// large to carry. Hand-computed figures above each test.

const NOV = month('2026-11-15T12:00:00Z', 'Europe/London');

/** One hour on each of three projects, billed at the given project rates. */
function threeLines(input: {
  currency: string;
  rates: [string, string, string];
  lineAmountTypes: string;
  rate: string;
}) {
  return build({
    billing: billing({
      currency: input.currency,
      hourlyRate: '1',
      projectRates: { '1': input.rates[0], '2': input.rates[1], '3': input.rates[2] },
      lineAmountTypes: input.lineAmountTypes,
    }),
    period: NOV,
    target: { ...TARGET, tax: { ratePercent: input.rate, name: 'GST' } },
    names: { projects: { '1': 'A', '2': 'B', '3': 'C' } },
    entries: ['1', '2', '3'].map((projectId, i) =>
      entry({ projectId, start: `2026-11-0${i + 2}T09:00:00Z`, durationSeconds: 3600 }),
    ),
  });
}

describe('tax as the app computes it: per line, rounded half up to 2 decimals, summed', () => {
  it('Exclusive 15%: the rounding guide’s own example, subtotal 76.30, tax 11.44 (not 11.45), total 87.74', () => {
    // "Rounding in Xero": 25.06 × 15% = 3.759 → 3.76; 25.61 → 3.8415 → 3.84; 25.63 → 3.8445 →
    // 3.84. 3.76 + 3.84 + 3.84 = 11.44, where 15% of the 76.30 subtotal would be 11.445 → 11.45.
    const result = threeLines({
      currency: 'NZD',
      rates: ['25.06', '25.61', '25.63'],
      lineAmountTypes: 'Exclusive',
      rate: '15',
    });
    const draft = draftOf(result);
    expect(draft.lines.map((l) => [l.lineAmount, l.taxAmount])).toEqual([
      ['25.06', '3.76'],
      ['25.61', '3.84'],
      ['25.63', '3.84'],
    ]);
    expect(draft.lines.some((l) => l.taxAmountIsFixed)).toBe(false);
    expect(draft.subtotal).toBe('76.30');
    expect(draft.totals).toEqual({ beforeTax: '76.30', tax: '11.44', total: '87.74' });
    const app = appTotals(draft, '15');
    expect([app.subTotal, app.totalTax, app.total]).toEqual([cents('76.30'), cents('11.44'), cents('87.74')]);
    const text = formatPreviewText(result);
    expect(text).toMatch(/\n +Subtotal +76\.30\n +Tax \(GST 15%\) +11\.44\n +Total +87\.74\n/);
    expect(result.explanations[0]?.summary).toMatch(/= 25\.06 NZD; tax 3\.76$/);
  });

  it('Inclusive 10%: three lines of 10.05 hold 0.91 each, 2.73 in all (10% of 30.15 would be 2.74)', () => {
    // 10.05 × 10/110 = 0.91363… → 0.91 per line; total 30.15, tax 2.73, before tax 27.42.
    const draft = draftOf(
      threeLines({
        currency: 'AUD',
        rates: ['10.05', '10.05', '10.05'],
        lineAmountTypes: 'Inclusive',
        rate: '10',
      }),
    );
    expect(draft.lines.map((l) => l.taxAmount)).toEqual(['0.91', '0.91', '0.91']);
    expect(draft.totals).toEqual({ beforeTax: '27.42', tax: '2.73', total: '30.15' });
    const app = appTotals(draft, '10');
    expect([app.subTotal, app.totalTax, app.total]).toEqual([cents('27.42'), cents('2.73'), cents('30.15')]);
  });

  it('NoTax: no tax whatever the rate; the total is the subtotal', () => {
    const result = threeLines({
      currency: 'USD',
      rates: ['62', '62', '62'],
      lineAmountTypes: 'NoTax',
      rate: '10',
    });
    expect(draftOf(result).totals).toEqual({ beforeTax: '186.00', tax: '0.00', total: '186.00' });
    expect(formatPreviewText(result)).toMatch(/\n +Tax \(none\) +0\.00\n +Total +186\.00\n/);
  });

  it('has no tax or total without the rate, as before', () => {
    const draft = draftOf(
      build({
        billing: billing({ currency: 'AUD', hourlyRate: '55' }),
        period: NOV,
        entries: [entry({ start: '2026-11-03T09:00:00Z', durationSeconds: 3600 })],
      }),
    );
    expect(draft.totals).toBeUndefined();
    expect(draft.lines[0]?.taxAmount).toBeUndefined();
  });

  it('refuses a rate that is no percentage', () => {
    expect(() =>
      threeLines({ currency: 'AUD', rates: ['1', '1', '1'], lineAmountTypes: 'Exclusive', rate: '12.34567' }),
    ).toThrow('target.tax.ratePercent must be a percentage such as "10" or "12.5", got "12.34567"');
  });
});

describe('the organisation’s currencies', () => {
  const run = (currencies: string[]) =>
    build({
      billing: billing({ currency: 'KWD', hourlyRate: '40' }),
      period: NOV,
      target: { ...TARGET, currencies },
      entries: [entry({ start: '2026-11-03T09:00:00Z', durationSeconds: 3600 })],
    });

  it('refuses a currency the organisation cannot invoice in, saying what it has', () => {
    expect(() => run(['USD', 'AUD'])).toThrow(InvoiceCurrencyError);
    expect(() => run(['USD', 'AUD'])).toThrow(
      "the invoicing organisation cannot invoice in KWD (its currencies: AUD, USD): add KWD to the organisation's currencies, or bill the client in one of those",
    );
    expect(draftOf(run(['AUD', 'KWD'])).subtotal).toBe('40.000');
  });
});

describe('amounts too large to carry exactly', () => {
  it('refuses a line beyond 9999999999999.99 before anything is sent', () => {
    // 200 h × 99999999999.9999 (the largest rate the config takes) ≈ 2.0e13.
    const entries = Array.from({ length: 20 }, (_, i) =>
      entry({ start: `2026-11-${String(i + 2).padStart(2, '0')}T09:00:00Z`, durationSeconds: 36_000 }),
    );
    const run = () =>
      build({ billing: billing({ currency: 'AUD', hourlyRate: '99999999999.9999' }), period: NOV, entries });
    expect(run).toThrow(InvoiceLimitError);
    expect(run).toThrow(
      /^line 1 \("Other work — 200 h, 1–30 Nov 2026"\): its amount 19999999999999\.98 AUD is more than 9999999999999\.99/,
    );
  });
});
