import { describe, expect, it } from 'vitest';
import type { InvoiceDraft } from '../domain/types.js';
import { formatPreviewText } from './preview.js';
import { appTotals, cents } from './test-app-arithmetic.js';
import { billing, build, draftOf, entry, month, TARGET } from './test-fixtures.js';
import type { TaxRate } from './types.js';

// Issue 13: amounts in the currency's own minor unit. Every figure is worked out by hand in the
// comment above it, then compared twice: with the draft, and with what the invoicing app computes
// from the draft as sent (test-app-arithmetic.ts, written from Xero's documentation).

const NOV = month('2026-11-15T12:00:00Z', 'Europe/London');
const minutes = (m: number) => m * 60;

function run(input: {
  currency: string;
  hourlyRate: string;
  rounding?: Record<string, unknown>;
  durations: number[];
  tax?: TaxRate;
  lineAmountTypes?: string;
  retainer?: Record<string, unknown>;
}) {
  const result = build({
    billing: billing({
      currency: input.currency,
      hourlyRate: input.hourlyRate,
      grouping: 'single',
      rounding: input.rounding ?? { minutes: 0, mode: 'up', per: 'entry' },
      lineAmountTypes: input.lineAmountTypes ?? 'Exclusive',
      ...(input.retainer ? { retainer: input.retainer } : {}),
    }),
    period: NOV,
    target: input.tax ? { ...TARGET, tax: input.tax } : TARGET,
    entries: input.durations.map((durationSeconds, i) =>
      entry({ start: `2026-11-${String(i + 2).padStart(2, '0')}T09:00:00Z`, durationSeconds }),
    ),
  });
  return { result, draft: draftOf(result) };
}

/** The line amounts and subtotal as the app computes them from what it is sent, in hundredths. */
function inApp(draft: InvoiceDraft, rate: string | null = null) {
  const app = appTotals(draft, rate);
  return {
    lines: app.lines.map((l) => l.lineAmount),
    subTotal: app.subTotal,
    tax: app.totalTax,
    total: app.total,
  };
}

/** 15 min up per entry at ¥4500: 50 min → 1 h, 20 min → 0.5 h; 1.5 h × 4500 = ¥6750. */
const YEN_6750 = {
  currency: 'JPY',
  hourlyRate: '4500',
  rounding: { minutes: 15, mode: 'up', per: 'entry' },
  durations: [minutes(50), minutes(20)],
};

describe('yen whose exact amount is a whole number of yen', () => {
  it('15 min up per entry at ¥4500: 50 min → 1 h, 20 min → 0.5 h; 1.5 h × 4500 = ¥6750', () => {
    const { draft, result } = run({
      ...YEN_6750,
    });
    expect(draft.lines.map((l) => [l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['1.5000', '4500.0000', '6750'],
    ]);
    expect(draft.subtotal).toBe('6750');
    expect(result.explanations[0]?.encoding).toBe('quantity');
    expect(inApp(draft)).toMatchObject({ lines: [675_000n], subTotal: 675_000n });
    expect(result.notices).toEqual([]);
  });

  it('6 min to the nearest per line at ¥3000: 92 min → 90 min = 1.5 h; × 3000 = ¥4500', () => {
    const { draft } = run({
      currency: 'JPY',
      hourlyRate: '3000',
      rounding: { minutes: 6, mode: 'nearest', per: 'line' },
      durations: [minutes(60), minutes(32)],
    });
    expect(draft.lines.map((l) => [l.quantity, l.lineAmount])).toEqual([['1.5000', '4500']]);
    expect(inApp(draft).subTotal).toBe(cents('4500'));
  });

  it('exact time at ¥3600/h (¥1 a second): 3020 s = ¥3020, sent as 1 × 3020', () => {
    // As hours the app would compute 0.8389 h × 3600 = 3020.04: a fraction of a yen, and 4 sen
    // more than the exact amount. So the line is 1 × ¥3020, its hours and rate in the description.
    const { draft, result } = run({ currency: 'JPY', hourlyRate: '3600', durations: [3020] });
    expect(draft.lines.map((l) => [l.description, l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['Services — 0.8389 h at 3600 JPY/h, 1–30 Nov 2026', '1.0000', '3020.0000', '3020'],
    ]);
    expect(result.explanations[0]).toMatchObject({
      encoding: 'single',
      hours: '0.8389',
      exactAmount: '3020',
    });
    expect(inApp(draft).subTotal).toBe(cents('3020'));
  });

  it('a retainer: ¥100000 fee, 22 h used of 20: 2 h × ¥5000 = ¥10000; ¥110000', () => {
    const { draft } = run({
      currency: 'JPY',
      hourlyRate: '5000',
      durations: Array.from({ length: 11 }, () => minutes(120)),
      retainer: { hours: 20, amount: '100000' },
    });
    expect(draft.lines.map((l) => [l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['1.0000', '100000.0000', '100000'],
      ['2.0000', '5000.0000', '10000'],
    ]);
    expect(inApp(draft).subTotal).toBe(cents('110000'));
  });
});

describe('yen whose exact amount has a fraction of a yen', () => {
  it('10 min up at ¥5000: 7 min → 1/6 h; × 5000 = ¥833.33… → ¥833 (was ¥833.50)', () => {
    // As hours: 0.1667 × 5000 = 833.50 in the app, half a yen above the exact amount.
    const { draft, result } = run({
      currency: 'JPY',
      hourlyRate: '5000',
      rounding: { minutes: 10, mode: 'up', per: 'entry' },
      durations: [minutes(7)],
    });
    expect(draft.lines.map((l) => [l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['1.0000', '833.0000', '833'],
    ]);
    expect(result.explanations[0]?.exactAmount).toBe('833.333333…');
    expect(result.explanations[0]?.summary).toContain(
      '= 833.333333… JPY, rounded down to 833; sent as 1 × 833, since 0.1667 × 5000.0000 would come to 833.50',
    );
    expect(inApp(draft).subTotal).toBe(cents('833'));
    expect(result.notices).toEqual([
      'JPY has no minor unit: line amounts, tax and totals are whole JPY, each rounded down from its exact amount',
    ]);
    expect(formatPreviewText(result)).toContain(
      'Note: JPY has no minor unit: line amounts, tax and totals are whole JPY, each rounded down from its exact amount.',
    );
  });

  it('15 min up at ¥4999: 0.25 h × 4999 = ¥1249.75 → ¥1249', () => {
    const { draft } = run({
      currency: 'JPY',
      hourlyRate: '4999',
      rounding: { minutes: 15, mode: 'up', per: 'entry' },
      durations: [minutes(14)],
    });
    expect(draft.lines.map((l) => [l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['1.0000', '1249.0000', '1249'],
    ]);
    expect(inApp(draft).subTotal).toBe(cents('1249'));
  });

  it('exact time at ¥4321: 360 s = 0.1 h × 4321 = ¥432.1 → ¥432 (was ¥432.10)', () => {
    const { draft } = run({ currency: 'JPY', hourlyRate: '4321', durations: [360] });
    expect(draft.lines.map((l) => l.lineAmount)).toEqual(['432']);
    expect(inApp(draft).subTotal).toBe(cents('432'));
  });

  it('exact time at ¥4500, two entries: 601 s + 1799 s = 2400 s = 2/3 h × 4500 = ¥3000 exactly', () => {
    // Per entry the exact time is kept in seconds, so the fractions of a yen of 601 s (¥751.25)
    // and 1799 s (¥2248.75) add up to a whole ¥3000, which 0.6667 h × 4500 = 3000.15 would not.
    const { draft, result } = run({ currency: 'JPY', hourlyRate: '4500', durations: [601, 1799] });
    expect(draft.lines.map((l) => [l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['1.0000', '3000.0000', '3000'],
    ]);
    expect(result.explanations[0]?.exactAmount).toBe('3000');
    expect(inApp(draft).subTotal).toBe(cents('3000'));
  });
});

describe('yen with tax, whole yen to the total', () => {
  it('Exclusive 10%: lines ¥833 and ¥1666; tax ¥83.30 → ¥83 and ¥166.60 → ¥166; total ¥2748', () => {
    // 10 min up per entry. Admin at ¥5000: 7 min → 10 min = 1/6 h = ¥833.33… → ¥833. Translation
    // at ¥4999: 12 min → 20 min = 1/3 h = ¥1666.33… → ¥1666. The app's per-line tax has a fraction
    // of a yen, so the draft fixes each line's tax at the whole yen below and sends it:
    // subtotal 833 + 1666 = 2499, tax 83 + 166 = 249, total 2748.
    const result = build({
      billing: billing({
        currency: 'JPY',
        hourlyRate: '5000',
        projectRates: { '2': '4999' },
        rounding: { minutes: 10, mode: 'up', per: 'entry' },
      }),
      period: NOV,
      target: { ...TARGET, tax: { ratePercent: '10', name: 'Consumption tax' } },
      names: { projects: { '1': 'Admin', '2': 'Translation' } },
      entries: [
        entry({ projectId: '1', start: '2026-11-03T09:00:00Z', durationSeconds: minutes(7) }),
        entry({ projectId: '2', start: '2026-11-04T09:00:00Z', durationSeconds: minutes(12) }),
      ],
    });
    const draft = draftOf(result);
    expect(draft.lines.map((l) => [l.lineAmount, l.taxAmount, l.taxAmountIsFixed ?? false])).toEqual([
      ['833', '83', true],
      ['1666', '166', true],
    ]);
    expect(draft.totals).toEqual({ beforeTax: '2499', tax: '249', total: '2748' });
    expect(inApp(draft, '10')).toMatchObject({
      subTotal: cents('2499'),
      tax: cents('249'),
      total: cents('2748'),
    });
    expect(formatPreviewText(result)).toMatch(/Tax \(Consumption tax 10%\) +249\n/);
  });

  it('Inclusive 10%: ¥6750 holds 6750 × 10/110 = ¥613.63… of tax → ¥613; before tax ¥6137', () => {
    const { draft } = run({
      ...YEN_6750,
      tax: { ratePercent: '10' },
      lineAmountTypes: 'Inclusive',
    });
    expect(draft.lines[0]).toMatchObject({ lineAmount: '6750', taxAmount: '613', taxAmountIsFixed: true });
    expect(draft.totals).toEqual({ beforeTax: '6137', tax: '613', total: '6750' });
    expect(inApp(draft, '10')).toMatchObject({
      subTotal: cents('6137'),
      tax: cents('613'),
      total: cents('6750'),
    });
  });

  it('a tax the app computes in whole yen is left to the app: 10% of ¥6750 = ¥675', () => {
    const { draft } = run({
      ...YEN_6750,
      tax: { ratePercent: '10' },
    });
    expect(draft.lines[0]).toMatchObject({ taxAmount: '675' });
    expect(draft.lines[0]?.taxAmountIsFixed).toBeUndefined();
    expect(draft.totals).toEqual({ beforeTax: '6750', tax: '675', total: '7425' });
    expect(inApp(draft, '10').total).toBe(cents('7425'));
  });
});

describe('3-decimal currencies', () => {
  it('10.125 KWD (0.25 h × 40.5) is invoiced as 10.120: the third decimal cannot be held', () => {
    // The invoice keeps 2 decimals in every currency. Half up, the app would make 0.25 × 40.5 =
    // 10.125 into 10.13, above the exact amount; rounded down it is 10.12, sent as 1 × 10.12.
    const { draft, result } = run({
      currency: 'KWD',
      hourlyRate: '40.5',
      rounding: { minutes: 15, mode: 'up', per: 'entry' },
      durations: [minutes(15)],
    });
    expect(draft.lines.map((l) => [l.description, l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['Services — 0.25 h at 40.5 KWD/h, 1–30 Nov 2026', '1.0000', '10.1200', '10.120'],
    ]);
    expect(draft.subtotal).toBe('10.120');
    expect(result.explanations[0]?.summary).toContain('= 10.125 KWD, rounded down to 10.120');
    expect(inApp(draft).subTotal).toBe(cents('10.12'));
    const note =
      'KWD has 3 decimals but invoice amounts keep 2: each line is rounded down to 0.01 KWD, never above its exact amount';
    expect(result.notices).toEqual([note]);
    expect(formatPreviewText(result)).toContain(`Note: ${note}.`);
  });

  it('says so even when nothing was lost: 1 h × 12.5 KWD = 12.500', () => {
    const { draft, result } = run({ currency: 'KWD', hourlyRate: '12.5', durations: [3600] });
    expect(draft.lines.map((l) => [l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['1.0000', '12.5000', '12.500'],
    ]);
    expect(result.notices).toHaveLength(1);
  });

  it('BHD with 10% VAT: 40.125 → 40.12; tax 4.012 → 4.01 (2 decimals, half up); total 44.130', () => {
    const { draft } = run({
      currency: 'BHD',
      hourlyRate: '40.125',
      durations: [3600],
      tax: { ratePercent: '10' },
    });
    expect(draft.lines[0]).toMatchObject({ lineAmount: '40.120', taxAmount: '4.010' });
    expect(draft.lines[0]?.taxAmountIsFixed).toBeUndefined();
    expect(draft.totals).toEqual({ beforeTax: '40.120', tax: '4.010', total: '44.130' });
    expect(inApp(draft, '10')).toMatchObject({
      subTotal: cents('40.12'),
      tax: cents('4.01'),
      total: cents('44.13'),
    });
  });
});
