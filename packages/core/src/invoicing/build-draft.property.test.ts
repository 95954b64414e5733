import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BillingConfig } from '../config/schema.js';
import type { InvoiceDraft, TimeEntry } from '../domain/types.js';
import { currencyDigits } from '../money/currency.js';
import { type Period, periodContaining } from '../time/zoned.js';
import { billing, build } from './test-fixtures.js';
import type { BuildInvoiceResult } from './types.js';

// Invariants over generated clients, periods and entries. The checks recompute with bigint
// arithmetic and a plain predicate, independent of the engine's code.

const RUNS = { numRuns: 300 };
const ZONES = ['Australia/Sydney', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'UTC'];
const BASE = Date.UTC(2026, 10, 15, 12);

/** A decimal with exactly 4 decimals, from integer ten-thousandths. */
const fixed4 = (units: number) => `${Math.floor(units / 10_000)}.${String(units % 10_000).padStart(4, '0')}`;
const rateArb = fc.integer({ min: 1, max: 2_000_000 }).map(fixed4);

const roundingArb = fc.record({
  minutes: fc.constantFrom(0, 1, 6, 7, 10, 15, 30, 60),
  mode: fc.constantFrom('up', 'down', 'nearest'),
  per: fc.constantFrom('entry', 'line'),
});

const billingFields = {
  currency: fc.constantFrom('AUD', 'JPY', 'KWD', 'GBP'),
  hourlyRate: rateArb,
  projectRates: fc.dictionary(fc.constantFrom('1', '2', '3'), rateArb, { maxKeys: 3 }),
  taskRates: fc.dictionary(fc.constantFrom('11', '12'), rateArb, { maxKeys: 2 }),
  rounding: roundingArb,
  grouping: fc.constantFrom('project', 'task', 'day', 'description', 'single'),
};

const periodArb: fc.Arbitrary<Period> = fc
  .tuple(fc.constantFrom(...ZONES), fc.constantFrom('week' as const, 'month' as const))
  .map(([zone, kind]) => periodContaining(kind, BASE, zone));

function entriesArb(period: Period): fc.Arbitrary<TimeEntry[]> {
  const entryArb = fc.record({
    id: fc.integer({ min: 1, max: 10_000 }).map((n) => `te-${n}`),
    offset: fc.integer({ min: -2 * 86_400, max: Math.ceil((period.end - period.start) / 1000) + 2 * 86_400 }),
    durationSeconds: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 0, max: 6 * 3600 }) },
      { weight: 1, arbitrary: fc.integer({ min: -1_800_000_000, max: -1 }) },
    ),
    billable: fc.constantFrom(true, true, true, false),
    tags: fc.subarray(['invoiced', 'Invoiced', 'urgent']),
    deleted: fc.constantFrom(undefined, undefined, undefined, true),
    projectId: fc.constantFrom('1', '2', '3', null),
    taskId: fc.constantFrom('11', '12', null),
    description: fc.constantFrom('', 'Inbox', 'inbox ', 'Posts'),
  });
  return fc.uniqueArray(entryArb, { selector: (e) => e.id, maxLength: 30 }).map((list) =>
    list.map(({ offset, ...e }) => ({
      ...e,
      workspaceId: '1',
      start: new Date(period.start + offset * 1000).toISOString(),
      stop: null,
    })),
  );
}

interface Case {
  settings: BillingConfig;
  period: Period;
  entries: TimeEntry[];
}

/**
 * A retainer fee generated as ten-thousandths, written with 4 decimals but holding only what an
 * invoice keeps in the currency (whole yen, cents), as the config requires since issue 13.
 */
function withFee(raw: Record<string, unknown>): Record<string, unknown> {
  const retainer = raw.retainer as { amount: number } | undefined;
  if (!retainer) return raw;
  const step = 10 ** (4 - Math.min(currencyDigits(raw.currency as string), 2));
  return { ...raw, retainer: { ...retainer, amount: fixed4(Math.floor(retainer.amount / step) * step) } };
}

const caseArb = (extra: Record<string, fc.Arbitrary<unknown>> = {}): fc.Arbitrary<Case> =>
  fc
    .tuple(fc.record({ ...billingFields, ...extra }), periodArb)
    .chain(([raw, period]) =>
      entriesArb(period).map((entries) => ({ settings: billing(withFee(raw)), period, entries })),
    );

/** The plain rule, written independently: billable, stopped, started in the period, not tagged, not deleted. */
function expectedIds(c: Case): string[] {
  return c.entries
    .filter((e) => {
      const start = Date.parse(e.start);
      return (
        !e.deleted &&
        e.billable &&
        e.durationSeconds >= 0 &&
        start >= c.period.start &&
        start < c.period.end &&
        !e.tags.some((t) => t.toLowerCase() === 'invoiced')
      );
    })
    .map((e) => e.id);
}

const scaled = (text: string, scale: number) => {
  const [whole, frac = ''] = text.split('.');
  return BigInt(`${whole}${frac.padEnd(scale, '0')}`);
};

/** quantity × unit amount, both 4 decimals, rounded half up to `digits`, with bigint only. */
function halfUp(quantity: string, unit: string, digits: number): string {
  const product = scaled(quantity, 4) * scaled(unit, 4);
  const divisor = 10n ** BigInt(8 - digits);
  let q = product / divisor;
  if ((product % divisor) * 2n >= divisor) q += 1n;
  const text = q.toString().padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function run(c: Case, extra: Partial<Parameters<typeof build>[0]> = {}): BuildInvoiceResult {
  return build({ billing: c.settings, period: c.period, entries: c.entries, ...extra });
}

function checkMoney(draft: InvoiceDraft) {
  // The app computes quantity × unit amount half up to 2 decimals in every currency; the draft's
  // amounts equal that and are written in the currency's own digits (whole yen since issue 13).
  const digits = currencyDigits(draft.currency);
  const decimals = (text: string) => text.split('.')[1]?.length ?? 0;
  let total = 0n;
  for (const line of draft.lines) {
    expect(line.quantity).toMatch(/^\d+\.\d{4}$/);
    expect(line.unitAmount).toMatch(/^\d+\.\d{4}$/);
    expect(scaled(line.lineAmount, 4)).toBe(scaled(halfUp(line.quantity, line.unitAmount, 2), 4));
    expect(decimals(line.lineAmount)).toBe(digits);
    total += scaled(line.lineAmount, 4);
  }
  expect(scaled(draft.subtotal, 4)).toBe(total);
  expect(decimals(draft.subtotal)).toBe(digits);
}

describe('invoice drafts (properties)', () => {
  it('line amounts are quantity × unit rounded half up; the subtotal is their sum; entries are exactly the eligible ones', () => {
    fc.assert(
      fc.property(caseArb(), (c) => {
        const result = run(c);
        const expected = expectedIds(c);
        if (result.draft === null) {
          if (expected.length > 0) expect(result.reason).toMatch(/come to 0/);
          return;
        }
        checkMoney(result.draft);
        expect([...result.draft.entryIds].sort()).toEqual([...expected].sort());
        const onLines = result.draft.lines.flatMap((l) => l.entryIds);
        expect([...onLines].sort()).toEqual([...expected].sort());
        const excludedIds = result.excluded.map((e) => e.entryId);
        expect(excludedIds.length + expected.length).toBe(c.entries.length);
      }),
      RUNS,
    );
  });

  it('rounding up never bills less than was tracked, per entry or per line', () => {
    fc.assert(
      fc.property(caseArb({ rounding: roundingArb.map((r) => ({ ...r, mode: 'up' })) }), (c) => {
        const result = run(c);
        if (result.draft === null) return;
        result.draft.lines.forEach((line, i) => {
          const explained = result.explanations[i];
          if (!explained) throw new Error(`line ${i} is not explained`);
          // Tracked time less what overlapping entries of the same person already cover (issue 13:
          // billed once); without overlaps that is all the tracked time.
          for (const e of explained.entries) {
            expect(e.billedSeconds).toBeGreaterThanOrEqual(e.rawSeconds - e.overlapSeconds);
          }
          // quantity (h) × 3600 ≥ tracked seconds, in ten-thousandths to stay in integers; a line
          // sent as 1 × amount (yen, issue 13) carries its hours in the explanation
          if (explained.encoding === 'quantity') expect(line.quantity).toBe(explained.hours);
          expect(scaled(explained.hours, 4) * 3600n).toBeGreaterThanOrEqual(
            BigInt(explained.rawSeconds - explained.overlapSeconds) * 10_000n,
          );
        });
      }),
      RUNS,
    );
  });

  it('the idempotency key ignores input order and changes with the set of entries', () => {
    fc.assert(
      fc.property(
        caseArb().chain((c) =>
          fc.shuffledSubarray(c.entries, { minLength: c.entries.length }).map((s) => ({ c, s })),
        ),
        ({ c, s }) => {
          const a = run(c);
          const b = run({ ...c, entries: s });
          expect(b).toEqual(a);
          if (a.draft === null) return;
          const [first] = a.draft.entryIds;
          if (first === undefined) return;
          const fewer = run({ ...c, entries: c.entries.filter((e) => e.id !== first) });
          if (fewer.draft) expect(fewer.draft.idempotencyKey).not.toBe(a.draft.idempotencyKey);
          const more = run({
            ...c,
            entries: [...c.entries, { ...c.entries.find((e) => e.id === first)!, id: 'te-extra' }],
          });
          expect(more.draft?.idempotencyKey).not.toBe(a.draft.idempotencyKey);
        },
      ),
      RUNS,
    );
  });

  it('retainer and overage add up to the hours used', () => {
    const retainerArb = fc.record({
      hours: fc.integer({ min: 1, max: 400 }).map((n) => n / 4),
      // At least 1 in any currency, so the fixed line is never a zero invoice. Trimmed to the
      // currency's invoice precision below, as the config requires (whole yen since issue 13).
      amount: fc.integer({ min: 10_000, max: 50_000_000 }),
      overageRate: fc.option(rateArb, { nil: undefined }),
      rollover: fc.boolean(),
    });
    const carriedArb = fc.integer({ min: 0, max: 200_000 }).map(fixed4);
    fc.assert(
      fc.property(caseArb({ retainer: retainerArb }), carriedArb, (c, carried) => {
        const result = run(c, { carriedOverHours: carried });
        const r = result.retainer;
        if (!r || !result.draft) throw new Error('a retainer period always has a draft and a usage');
        checkMoney(result.draft);
        const u = (h: string) => scaled(h, 4);
        expect(u(r.coveredHours) + u(r.overageHours)).toBe(u(r.usedHours));
        expect(u(r.allowanceHours)).toBe(u(r.includedHours) + u(r.carriedInHours));
        const parts = result.explanations[0]?.parts ?? [];
        expect(parts.reduce((n, p) => n + u(p.quantity), 0n)).toBe(u(r.usedHours));
        const [fixed, overage, ...rest] = result.draft.lines;
        expect(rest).toEqual([]);
        expect(fixed?.quantity).toBe('1.0000');
        expect(fixed?.unitAmount).toBe(c.settings.retainer?.amount);
        if (u(r.overageHours) === 0n) expect(overage).toBeUndefined();
        else if (result.explanations[1]?.encoding === 'single') {
          // Yen or 3-decimal currencies whose hours × rate would not come to the amount (issue 13):
          // 1 × the amount, the overage hours named in the description.
          expect(overage?.quantity).toBe('1.0000');
          expect(overage?.description).toContain(`— ${r.overageHours} h at `);
        } else expect(u(overage?.quantity ?? '0')).toBe(u(r.overageHours));
        // Unused hours either roll over or lapse, never both beyond what was left.
        const left = u(r.allowanceHours) - u(r.usedHours);
        expect(u(r.carryOverHours) + u(r.expiredHours)).toBe(left > 0n ? left : 0n);
        if (!r.rollover) expect(r.carryOverHours).toBe('0');
        expect([...result.draft.entryIds].sort()).toEqual(expectedIds(c).sort());
      }),
      RUNS,
    );
  });
});
