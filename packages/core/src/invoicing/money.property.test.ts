import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BillingConfig } from '../config/schema.js';
import type { TimeEntry } from '../domain/types.js';
import { currencyDigits } from '../money/currency.js';
import { type Period, periodContaining } from '../time/zoned.js';
import { appLineAmount, appTotals, units } from './test-app-arithmetic.js';
import { billing, build, TARGET } from './test-fixtures.js';
import type { BuildInvoiceResult } from './types.js';

// Issue 13's invariants over generated clients. The checks use plain bigint and the independent
// app arithmetic of test-app-arithmetic.ts, never the engine's own money code.

const RUNS = { numRuns: 300 };
const PERIOD: Period = periodContaining('month', Date.UTC(2026, 10, 15, 12), 'Europe/London');
const CURRENCIES = ['AUD', 'GBP', 'JPY', 'KRW', 'KWD', 'BHD', 'CLF'];

const fixed4 = (n: number) => `${Math.floor(n / 10_000)}.${String(n % 10_000).padStart(4, '0')}`;
const rateArb = fc.integer({ min: 1, max: 2_000_000 }).map(fixed4);

/** Entries on minute boundaries (so overlaps can be counted minute by minute), some with seconds. */
const entriesArb = (withSeconds: boolean): fc.Arbitrary<TimeEntry[]> =>
  fc
    .uniqueArray(
      fc.record({
        id: fc.integer({ min: 1, max: 500 }).map((n) => `te-${n}`),
        minute: fc.integer({ min: 60 * 24, max: 60 * 24 * 27 }),
        minutes: fc.integer({ min: 0, max: 300 }),
        seconds: withSeconds ? fc.integer({ min: 0, max: 59 }) : fc.constant(0),
        userId: fc.constantFrom(undefined, 'u1', 'u2'),
        projectId: fc.constantFrom('1', '2', null),
        tags: fc.constantFrom([], [], [], ['invoiced']),
      }),
      { selector: (e) => e.id, maxLength: 25 },
    )
    .map((list) =>
      list.map((e) => ({
        id: e.id,
        workspaceId: '1',
        projectId: e.projectId,
        taskId: null,
        description: '',
        start: new Date(PERIOD.start + e.minute * 60_000).toISOString(),
        stop: null,
        durationSeconds: e.minutes * 60 + e.seconds,
        billable: true,
        tags: [...e.tags],
        ...(e.userId ? { userId: e.userId } : {}),
      })),
    );

/** A retainer fee in ten-thousandths, trimmed to what the invoice holds of the currency. */
function fee(currency: string, n: number): string {
  const step = 10 ** (4 - Math.min(currencyDigits(currency), 2));
  return fixed4(Math.max(step, Math.floor(n / step) * step));
}

const settingsArb: fc.Arbitrary<BillingConfig> = fc
  .record({
    currency: fc.constantFrom(...CURRENCIES),
    hourlyRate: rateArb,
    projectRates: fc.dictionary(fc.constantFrom('1', '2'), rateArb, { maxKeys: 2 }),
    rounding: fc.record({
      minutes: fc.constantFrom(0, 1, 6, 10, 15, 30),
      mode: fc.constantFrom('up', 'down', 'nearest'),
      per: fc.constantFrom('entry', 'line'),
    }),
    grouping: fc.constantFrom('project', 'single'),
    lineAmountTypes: fc.constantFrom('Exclusive', 'Inclusive', 'NoTax'),
    retainer: fc.option(
      fc.record({
        hours: fc.integer({ min: 1, max: 80 }),
        amount: fc.integer({ min: 10_000, max: 50_000_000 }),
        rollover: fc.boolean(),
      }),
      { nil: undefined },
    ),
  })
  .map(({ retainer, ...raw }) =>
    billing(
      retainer ? { ...raw, retainer: { ...retainer, amount: fee(raw.currency, retainer.amount) } } : raw,
    ),
  );

const taxArb = fc.integer({ min: 0, max: 300_000 }).map(fixed4);

function run(settings: BillingConfig, entries: TimeEntry[], ratePercent?: string): BuildInvoiceResult {
  return build({
    billing: settings,
    period: PERIOD,
    entries,
    target: ratePercent === undefined ? TARGET : { ...TARGET, tax: { ratePercent } },
  });
}

const decimals = (text: string) => text.split('.')[1]?.length ?? 0;

describe('money in the currency’s own minor unit (properties)', () => {
  it('every amount has the currency’s digits and holds nothing the invoice cannot keep', () => {
    fc.assert(
      fc.property(settingsArb, entriesArb(true), taxArb, (settings, entries, rate) => {
        const draft = run(settings, entries, rate).draft;
        if (draft === null) return;
        const digits = currencyDigits(draft.currency);
        const kept = Math.min(digits, 2);
        const amounts = [
          ...draft.lines.flatMap((l) => [l.lineAmount, l.taxAmount ?? '0']),
          draft.subtotal,
          ...Object.values(draft.totals ?? {}),
        ];
        for (const a of amounts) {
          if (a !== '0') expect(decimals(a)).toBe(digits);
          // Nothing below the invoice's unit: whole yen; 0.01 KWD (the third decimal is 0).
          expect(units(a, 4) % 10n ** BigInt(4 - kept)).toBe(0n);
        }
      }),
      RUNS,
    );
  });

  it('never bills more than the exact amount in currencies without cents or with a third decimal', () => {
    fc.assert(
      fc.property(settingsArb, entriesArb(true), (settings, entries) => {
        const result = run(settings, entries);
        const { draft } = result;
        if (draft === null) return;
        const digits = currencyDigits(draft.currency);
        draft.lines.forEach((line, i) => {
          const e = result.explanations[i];
          if (!e) throw new Error(`line ${i} is not explained`);
          // Exact amount × 10^8 × 3600 (so every kind is an integer): hours × rate.
          const rate = units(e.rate.unitAmount, 4);
          let exact: bigint;
          if (e.kind === 'time') exact = BigInt(e.billedSeconds) * rate * 10_000n;
          else if (e.kind === 'overage')
            exact = units(result.retainer?.overageHours ?? '0', 4) * rate * 3600n;
          else exact = rate * 10_000n * 3600n;
          const amount = units(line.lineAmount, 4) * 10_000n * 3600n;
          // The app computes the same figure from what it is sent.
          expect(appLineAmount(line.quantity, line.unitAmount) * 100n).toBe(units(line.lineAmount, 4));
          if (digits === 2) {
            // Unchanged rule: the 4-decimal hours × rate, half up; within half a cent plus the
            // hours' last-decimal rounding (0.0001 h × rate) of the exact amount.
            const slack = 50n * 10_000n * 3600n + rate * 3600n;
            expect(amount - exact <= slack && exact - amount <= slack).toBe(true);
          } else {
            const unit = 10n ** BigInt(4 - Math.min(digits, 2)) * 10_000n * 3600n;
            expect(amount <= exact).toBe(true);
            expect(exact - amount < unit).toBe(true);
          }
        });
      }),
      RUNS,
    );
  });

  it('the preview’s tax and total are the app’s, line by line', () => {
    fc.assert(
      fc.property(settingsArb, entriesArb(true), taxArb, (settings, entries, rate) => {
        const { draft } = run(settings, entries, rate);
        if (draft === null) return;
        const app = appTotals(draft, rate);
        const totals = draft.totals;
        if (!totals) throw new Error('a draft with a tax rate has totals');
        expect(units(totals.beforeTax, 4)).toBe(app.subTotal * 100n);
        expect(units(totals.tax, 4)).toBe(app.totalTax * 100n);
        expect(units(totals.total, 4)).toBe(app.total * 100n);
        draft.lines.forEach((l, i) => {
          expect(units(l.taxAmount ?? '0', 4)).toBe((app.lines[i]?.tax ?? -1n) * 100n);
          // A fixed tax is only ever the app's figure cut down to whole units, never more.
          if (l.taxAmountIsFixed) expect(draft.currency).toMatch(/^(JPY|KRW)$/);
        });
      }),
      RUNS,
    );
  });
});

describe('overlapping time (properties)', () => {
  /** Minutes each person's entries cover, as sets: independent of the engine's sweep. */
  function coverage(entries: TimeEntry[], pick: (e: TimeEntry) => boolean): Map<string, Set<number>> {
    const out = new Map<string, Set<number>>();
    for (const e of entries) {
      if (!pick(e)) continue;
      const first = (Date.parse(e.start) - PERIOD.start) / 60_000;
      const set = out.get(e.userId ?? '') ?? new Set<number>();
      for (let m = first; m < first + e.durationSeconds / 60; m++) set.add(m);
      out.set(e.userId ?? '', set);
    }
    return out;
  }

  it('bills each minute of a person once, and never a minute already invoiced', () => {
    const exact = billing({ currency: 'AUD', hourlyRate: '60', grouping: 'single' });
    fc.assert(
      fc.property(entriesArb(false), (entries) => {
        const result = run(exact, entries);
        const billed = new Map<string, number>();
        const users = new Map(entries.map((e) => [e.id, e.userId ?? '']));
        for (const e of result.explanations.flatMap((x) => x.entries)) {
          const who = users.get(e.entryId) ?? '';
          billed.set(who, (billed.get(who) ?? 0) + e.billedSeconds);
          expect(e.billedSeconds).toBe(e.rawSeconds - e.overlapSeconds);
        }
        const fresh = coverage(entries, (e) => !e.tags.includes('invoiced'));
        const before = coverage(entries, (e) => e.tags.includes('invoiced'));
        for (const [who, minutes] of fresh) {
          const done = before.get(who) ?? new Set<number>();
          const expected = [...minutes].filter((m) => !done.has(m)).length * 60;
          expect(billed.get(who) ?? 0).toBe(expected);
        }
      }),
      RUNS,
    );
  });

  it('reports every overlapping pair, and under bill-both bills every entry whole', () => {
    const both = billing({ currency: 'AUD', hourlyRate: '60', grouping: 'single', overlaps: 'bill-both' });
    fc.assert(
      fc.property(entriesArb(false), (entries) => {
        const result = run(both, entries);
        let pairs = 0;
        entries.forEach((a, i) => {
          for (const b of entries.slice(i + 1)) {
            if ((a.userId ?? '') !== (b.userId ?? '')) continue;
            if (a.tags.includes('invoiced') && b.tags.includes('invoiced')) continue;
            const start = Math.max(Date.parse(a.start), Date.parse(b.start));
            const end = Math.min(
              Date.parse(a.start) + a.durationSeconds * 1000,
              Date.parse(b.start) + b.durationSeconds * 1000,
            );
            if (end > start) pairs += 1;
          }
        });
        expect(result.overlaps).toHaveLength(pairs);
        expect(result.overlaps.every((o) => o.billed === 'twice')).toBe(true);
        for (const e of result.explanations.flatMap((x) => x.entries))
          expect(e.billedSeconds).toBe(e.rawSeconds);
      }),
      RUNS,
    );
  });
});
