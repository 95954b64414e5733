import { describe, expect, it } from 'vitest';
import { formatPreviewText } from './preview.js';
import { retainerCarryOver } from './retainer.js';
import { billing, build, draftOf, entry, month } from './test-fixtures.js';
import type { BuildInvoiceResult } from './types.js';

// Issue 13, the engine's side of retainers that last: a fee billed once per period, and carry-over
// chained from one period to the next by the caller (the ledger stores it). Figures by hand above
// each test; AUD, 10 h included for 500.00, overage at the hourly rate of 60.00.

const zone = 'Europe/London';
const OCT = month('2026-10-15T12:00:00Z', zone);
const NOV = month('2026-11-15T12:00:00Z', zone);
const DEC = month('2026-12-15T12:00:00Z', zone);

const settings = (retainer: Record<string, unknown> = {}) =>
  billing({
    currency: 'AUD',
    hourlyRate: '60.00',
    grouping: 'single',
    retainer: { hours: 10, amount: '500.00', ...retainer },
  });

/** `hours` one-hour entries from the 2nd of the period's month. */
function hoursIn(period: { firstDate: string }, hours: number, prefix: string) {
  const ym = period.firstDate.slice(0, 7);
  return Array.from({ length: hours }, (_, i) =>
    entry({
      id: `${prefix}-${i}`,
      start: `${ym}-${String(i + 2).padStart(2, '0')}T09:00:00Z`,
      durationSeconds: 3600,
    }),
  );
}

const usage = (r: BuildInvoiceResult) => r.retainer;

describe('a fee-only retainer', () => {
  it('bills the fee once: a second run of the period bills nothing', () => {
    // No hours in November: the first run bills the 500.00 fee alone.
    const first = build({ billing: settings(), period: NOV, entries: [] });
    expect(draftOf(first).lines.map((l) => [l.description, l.lineAmount])).toEqual([
      ['Retainer — 10 h included, 0 h used, 1–30 Nov 2026', '500.00'],
    ]);
    // The ledger knows the fee is on a draft, which used 0 h of the allowance.
    const second = build({
      billing: settings(),
      period: NOV,
      entries: [],
      retainerAlreadyInvoicedHours: '0',
    });
    expect(second.draft).toBeNull();
    expect(second.reason).toBe('no billable time in 1–30 Nov 2026 (no entries excluded)');
    expect(usage(second)).toMatchObject({ alreadyInvoicedHours: '0', usedHours: '0', overageHours: '0' });
  });
});

describe('rollover chained across three periods', () => {
  it('carries unused hours forward, at most the cap, spending carried hours first', () => {
    const rules = settings({ rollover: true, maxCarryOverHours: 6 });
    // October: 3 h used of 10. 7 h unused would roll over, the cap keeps 6; 1 h lapses.
    const oct = build({ billing: rules, period: OCT, entries: hoursIn(OCT, 3, 'oct') });
    expect(usage(oct)).toMatchObject({
      carriedInHours: '0',
      usedHours: '3',
      carryOverCapHours: '6',
      carryOverHours: '6',
      expiredHours: '1',
    });
    expect(draftOf(oct).subtotal).toBe('500.00');

    // November: 6 h carried in, 12 h used of 16. The 6 carried hours go first, then 6 of the 10
    // included: 4 included hours roll over (under the cap), nothing lapses, no overage.
    const nov = build({
      billing: rules,
      period: NOV,
      entries: hoursIn(NOV, 12, 'nov'),
      carriedOverHours: usage(oct)?.carryOverHours,
    });
    expect(usage(nov)).toMatchObject({
      carriedInHours: '6',
      allowanceHours: '16',
      usedHours: '12',
      overageHours: '0',
      carryOverHours: '4',
      expiredHours: '0',
    });
    expect(draftOf(nov).lines.map((l) => [l.description, l.lineAmount])).toEqual([
      ['Retainer — 10 h included + 6 h carried over, 12 h used, 1–30 Nov 2026', '500.00'],
    ]);
    expect(formatPreviewText(nov)).toContain(
      'Retainer: 12 h used of 16 h (10 h included + 6 h carried in); 0 h overage; 4 h carry over (at most 6 h); 0 h lapse',
    );

    // December: 4 h carried in, 15 h used of 14: 1 h overage × 60 = 60.00; nothing carries on.
    const dec = build({
      billing: rules,
      period: DEC,
      entries: hoursIn(DEC, 15, 'dec'),
      carriedOverHours: usage(nov)?.carryOverHours,
    });
    expect(usage(dec)).toMatchObject({
      carriedInHours: '4',
      overageHours: '1',
      carryOverHours: '0',
      expiredHours: '0',
    });
    expect(draftOf(dec).lines.map((l) => [l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['1.0000', '500.0000', '500.00'],
      ['1.0000', '60.0000', '60.00'],
    ]);
    expect(draftOf(dec).subtotal).toBe('560.00');

    // The same chain from stored figures alone, as a ledger recomputes it.
    const rule = rules.retainer;
    if (!rule) throw new Error('the settings have a retainer');
    const a = retainerCarryOver({ retainer: rule, carriedInHours: '0', usedHours: '3' });
    const b = retainerCarryOver({ retainer: rule, carriedInHours: a.carryOverHours, usedHours: '12' });
    const c = retainerCarryOver({ retainer: rule, carriedInHours: b.carryOverHours, usedHours: '15' });
    expect([a, b, c]).toEqual([
      { carryOverHours: '6', expiredHours: '1' },
      { carryOverHours: '4', expiredHours: '0' },
      { carryOverHours: '0', expiredHours: '0' },
    ]);
  });

  it('recomputes what a period hands on when a later draft of it uses more hours', () => {
    // November again, 6 h carried in and 12 h on the first draft (4 h would carry over). 3 late
    // hours on a second draft: 15 h used of 16, no overage; carried hours first, so 9 of the 10
    // included are used and 1 h carries over.
    const later = build({
      billing: settings({ rollover: true }),
      period: NOV,
      entries: hoursIn(NOV, 3, 'late'),
      carriedOverHours: '6',
      retainerAlreadyInvoicedHours: '12',
    });
    expect(later.draft).toBeNull();
    expect(later.reason).toMatch(/fit in the retainer already invoiced/);
    expect(usage(later)).toMatchObject({ alreadyInvoicedHours: '12', usedHours: '3', carryOverHours: '1' });
  });

  it('carries nothing without rollover, whatever is unused', () => {
    const result = build({
      billing: settings(),
      period: NOV,
      entries: hoursIn(NOV, 2, 'n'),
      carriedOverHours: '0',
    });
    expect(usage(result)).toMatchObject({ rollover: false, carryOverHours: '0', expiredHours: '8' });
  });
});
