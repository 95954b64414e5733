import { describe, expect, it } from 'vitest';
import { invoiceIdempotencyKey } from '../crypto/ids.js';
import { billing, build, draftOf, entry, month } from './test-fixtures.js';

// Hand-computed invoices. Each expected number is worked out in the comment above it.

const LONDON_NOV = month('2026-11-15T12:00:00Z', 'Europe/London');

/** Seven entries of 10 min 1 s (601 s) on seven days of November. */
function sevenShortEntries() {
  return Array.from({ length: 7 }, (_, i) =>
    entry({ start: `2026-11-${String(i + 2).padStart(2, '0')}T09:00:00Z`, durationSeconds: 601 }),
  );
}

describe('per-entry vs per-line rounding', () => {
  const base = { currency: 'GBP', hourlyRate: '55.00', grouping: 'single' };

  it('rounds each entry up: 7 × 15 min = 1.75 h, 1.75 × 55 = 96.25', () => {
    const result = build({
      billing: billing({ ...base, rounding: { minutes: 15, mode: 'up', per: 'entry' } }),
      period: LONDON_NOV,
      entries: sevenShortEntries(),
    });
    const draft = draftOf(result);
    expect(draft.lines).toHaveLength(1);
    expect(draft.lines[0]).toMatchObject({
      description: 'Services — 1.75 h, 1–30 Nov 2026',
      quantity: '1.7500',
      unitAmount: '55.0000',
      lineAmount: '96.25',
      accountCode: '200',
      taxType: 'OUTPUT',
    });
    expect(draft.subtotal).toBe('96.25');
    const explained = result.explanations[0];
    expect(explained?.rawSeconds).toBe(4207);
    expect(explained?.billedSeconds).toBe(6300);
    expect(explained?.entries.map((e) => e.billedSeconds)).toEqual([900, 900, 900, 900, 900, 900, 900]);
    expect(explained?.rounding).toBe('each entry rounded up to 15 min');
    expect(explained?.rate).toEqual({ source: 'client', sourceId: null, unitAmount: '55.0000' });
  });

  it('rounds the line total up: 4207 s = 70 min 7 s → 75 min = 1.25 h, 1.25 × 55 = 68.75', () => {
    const result = build({
      billing: billing({ ...base, rounding: { minutes: 15, mode: 'up', per: 'line' } }),
      period: LONDON_NOV,
      entries: sevenShortEntries(),
    });
    const draft = draftOf(result);
    expect(draft.lines[0]).toMatchObject({ quantity: '1.2500', lineAmount: '68.75' });
    expect(draft.subtotal).toBe('68.75');
    expect(result.explanations[0]?.billedSeconds).toBe(4500);
    expect(result.explanations[0]?.rounding).toBe('the line total rounded up to 15 min');
  });

  it('bills exact time: 4207 s = 1.168611… h, up to 4 decimals 1.1687; × 55 = 64.2785 → 64.28', () => {
    const result = build({
      billing: billing({ ...base, rounding: { minutes: 0, mode: 'up', per: 'entry' } }),
      period: LONDON_NOV,
      entries: sevenShortEntries(),
    });
    expect(draftOf(result).lines[0]).toMatchObject({ quantity: '1.1687', lineAmount: '64.28' });
    expect(result.explanations[0]?.summary).toContain('1.168611… h, rounded up to 4 decimals');
  });
});

describe('rates', () => {
  it('keeps a 4-decimal rate and rounds each line half up', () => {
    // Project A: 3770 s + 1510 s = 5280 s = 88 min; nearest 6 min → 90 min = 1.5 h;
    //   1.5 × 38.5125 = 57.76875 → 57.77.
    // Project B: 1200 s = 20 min; nearest 6 min → 18 min (2 min left < 3) = 0.3 h;
    //   0.3 × 38.5125 = 11.55375 → 11.55. Subtotal 69.32.
    const result = build({
      billing: billing({
        currency: 'GBP',
        hourlyRate: '38.5125',
        rounding: { minutes: 6, mode: 'nearest', per: 'line' },
      }),
      period: LONDON_NOV,
      names: { projects: { '101': 'Bookkeeping', '102': 'Client emails' } },
      entries: [
        entry({ projectId: '101', start: '2026-11-03T09:00:00Z', durationSeconds: 3770 }),
        entry({ projectId: '101', start: '2026-11-04T09:00:00Z', durationSeconds: 1510 }),
        entry({ projectId: '102', start: '2026-11-05T09:00:00Z', durationSeconds: 1200 }),
      ],
    });
    const draft = draftOf(result);
    expect(draft.lines.map((l) => [l.description, l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['Bookkeeping — 1.5 h, 1–30 Nov 2026', '1.5000', '38.5125', '57.77'],
      ['Client emails — 0.3 h, 1–30 Nov 2026', '0.3000', '38.5125', '11.55'],
    ]);
    expect(draft.subtotal).toBe('69.32');
  });

  it('prefers a project rate over the hourly rate', () => {
    // 190001 at 70.00: 2 h 5 min → 2 h 15 min, 1 h → 1 h: 3.25 h × 70 = 227.50.
    // 190002 at 55.00: 40 min → 45 min = 0.75 h × 55 = 41.25. Subtotal 268.75.
    const result = build({
      billing: billing({
        currency: 'AUD',
        hourlyRate: '55.00',
        projectRates: { '190001': '70.00' },
        rounding: { minutes: 15, mode: 'up', per: 'entry' },
      }),
      period: month('2026-11-15T00:00:00Z', 'Australia/Sydney'),
      names: { projects: new Map([['190001', 'Social media management']]) },
      entries: [
        entry({ projectId: '190001', start: '2026-11-10T00:00:00Z', durationSeconds: 7500 }),
        entry({ projectId: '190001', start: '2026-11-11T00:00:00Z', durationSeconds: 3600 }),
        entry({ projectId: '190002', start: '2026-11-12T00:00:00Z', durationSeconds: 2400 }),
      ],
    });
    const draft = draftOf(result);
    expect(draft.lines.map((l) => [l.description, l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['Project 190002 — 0.75 h, 1–30 Nov 2026', '0.7500', '55.0000', '41.25'],
      ['Social media management — 3.25 h, 1–30 Nov 2026', '3.2500', '70.0000', '227.50'],
    ]);
    expect(draft.subtotal).toBe('268.75');
    expect(result.explanations.map((e) => e.rate.source)).toEqual(['client', 'project']);
    expect(result.explanations[1]?.rate.sourceId).toBe('190001');
  });

  it('prefers a task rate over a project rate and splits the project line by rate', () => {
    // Task 5001 at 90.00: 30 min = 0.5 h → 45.00. The rest of 190001 at 70.00: 1 h → 70.00.
    const result = build({
      billing: billing({
        currency: 'AUD',
        hourlyRate: '55.00',
        projectRates: { '190001': '70.00' },
        taskRates: { '5001': '90.00' },
      }),
      period: LONDON_NOV,
      names: { projects: { '190001': 'Social media' }, tasks: { '5001': 'Campaign strategy' } },
      entries: [
        entry({ projectId: '190001', taskId: '5001', start: '2026-11-10T09:00:00Z', durationSeconds: 1800 }),
        entry({ projectId: '190001', start: '2026-11-11T09:00:00Z', durationSeconds: 3600 }),
      ],
    });
    expect(draftOf(result).lines.map((l) => [l.description, l.unitAmount, l.lineAmount])).toEqual([
      ['Social media (Campaign strategy) — 0.5 h, 1–30 Nov 2026', '90.0000', '45.00'],
      ['Social media (other tasks) — 1 h, 1–30 Nov 2026', '70.0000', '70.00'],
    ]);
    expect(result.explanations[0]?.rate).toEqual({ source: 'task', sourceId: '5001', unitAmount: '90.0000' });
  });
});

describe('currencies without minor units', () => {
  it('bills JPY in whole yen, never above the exact amount, as the invoicing app computes it', () => {
    // Line amounts are whole yen (they were 2-decimal until issue 13: ¥3775.05 and ¥2499.50).
    // Exact time, mode up. Project 6: 3020 s = 0.838888… h × 4500 = 3775 exactly; as hours the
    // app would compute 0.8389 × 4500 = 3775.05, so it goes as 1 × 3775 with hours and rate named.
    // Project 7 at 4999: 1800 s = 0.5 h × 4999 = 2499.5 → 2499, also as 1 × 2499. Subtotal 6274.
    const result = build({
      billing: billing({ currency: 'JPY', hourlyRate: '4500', projectRates: { '7': '4999' } }),
      period: LONDON_NOV,
      names: { projects: { '6': 'Research', '7': 'Translation' } },
      entries: [
        entry({ projectId: '6', start: '2026-11-10T09:00:00Z', durationSeconds: 3020 }),
        entry({ projectId: '7', start: '2026-11-10T11:00:00Z', durationSeconds: 1800 }),
      ],
    });
    const draft = draftOf(result);
    expect(draft.currency).toBe('JPY');
    expect(draft.lines.map((l) => [l.description, l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['Research — 0.8389 h at 4500 JPY/h, 1–30 Nov 2026', '1.0000', '3775.0000', '3775'],
      ['Translation — 0.5 h at 4999 JPY/h, 1–30 Nov 2026', '1.0000', '2499.0000', '2499'],
    ]);
    expect(draft.subtotal).toBe('6274');
    expect(result.explanations.map((e) => [e.encoding, e.exactAmount])).toEqual([
      ['single', '3775'],
      ['single', '2499.5'],
    ]);
    expect(result.explanations[1]?.summary).toContain(
      '0.5000 × 4999.0000 (project rate) = 2499.5 JPY, rounded down to 2499; sent as 1 × 2499, since 0.5000 × 4999.0000 would come to 2499.50',
    );
  });
});

describe('periods in the client time zone', () => {
  // November 2026 in Sydney (UTC+11, daylight time) is [2026-10-31T13:00Z, 2026-11-30T13:00Z).
  const entries = [
    // 1 Nov 10:50 in Sydney, still October in UTC: November's.
    entry({ id: 'oct-utc', start: '2026-10-31T23:50:00Z', durationSeconds: 3600 }),
    // 30 Nov 23:59:59 in Sydney, running 2 h into December: November's, billed whole.
    entry({ id: 'crossing', start: '2026-11-30T12:59:59Z', durationSeconds: 7200 }),
    // 1 Dec 00:00 in Sydney: December's.
    entry({ id: 'dec-midnight', start: '2026-11-30T13:00:00Z', durationSeconds: 1800 }),
    // 1 Dec 10:50 in Sydney, still November in UTC: December's.
    entry({ id: 'nov-utc', start: '2026-11-30T23:50:00Z', durationSeconds: 900 }),
  ];
  const settings = billing({ currency: 'AUD', hourlyRate: '55.00', grouping: 'single' });

  it('puts entries near midnight UTC in the month the client sees', () => {
    // November: 1 h + 2 h = 3 h × 55 = 165.00.
    const nov = build({
      billing: settings,
      period: month('2026-11-15T00:00:00Z', 'Australia/Sydney'),
      entries,
    });
    const draft = draftOf(nov);
    expect(draft.entryIds).toEqual(['oct-utc', 'crossing']);
    expect(draft.lines[0]).toMatchObject({ quantity: '3.0000', lineAmount: '165.00' });
    expect(draft.period).toEqual({
      firstDate: '2026-11-01',
      lastDate: '2026-11-30',
      zone: 'Australia/Sydney',
    });
    expect(nov.excluded.map((e) => [e.entryId, e.reason])).toEqual([
      ['dec-midnight', 'outside-period'],
      ['nov-utc', 'outside-period'],
    ]);
    // December: 30 min + 15 min = 0.75 h × 55 = 41.25.
    const dec = build({
      billing: settings,
      period: month('2026-12-15T00:00:00Z', 'Australia/Sydney'),
      entries,
    });
    expect(draftOf(dec).entryIds).toEqual(['dec-midnight', 'nov-utc']);
    expect(draftOf(dec).subtotal).toBe('41.25');
  });

  it('reads the same entries differently for a client in UTC', () => {
    const nov = build({ billing: settings, period: month('2026-11-15T00:00:00Z', 'UTC'), entries });
    expect(draftOf(nov).entryIds).toEqual(['crossing', 'dec-midnight', 'nov-utc']);
  });
});

describe('retainers', () => {
  const retained = (retainer: Record<string, unknown>) =>
    billing({
      currency: 'AUD',
      hourlyRate: '55.00',
      rounding: { minutes: 15, mode: 'up', per: 'entry' },
      retainer: { hours: 20, amount: '1000.00', ...retainer },
    });
  /** 23 one-hour entries and one of 10 min (→ 15 min): 23.25 h. */
  const hours23 = () => [
    ...Array.from({ length: 23 }, (_, i) =>
      entry({ start: `2026-11-${String(i + 2).padStart(2, '0')}T09:00:00Z`, durationSeconds: 3600 }),
    ),
    entry({ start: '2026-11-27T09:00:00Z', durationSeconds: 600 }),
  ];

  it('bills the fixed amount and hours beyond it at the hourly rate', () => {
    // 23.25 h − 20 h = 3.25 h × 55 = 178.75; + 1000.00 = 1178.75.
    const result = build({ billing: retained({}), period: LONDON_NOV, entries: hours23() });
    const draft = draftOf(result);
    expect(draft.lines.map((l) => [l.description, l.quantity, l.unitAmount, l.lineAmount])).toEqual([
      ['Retainer — 20 h included, 23.25 h used, 1–30 Nov 2026', '1.0000', '1000.0000', '1000.00'],
      ['Hours beyond the retainer — 3.25 h, 1–30 Nov 2026', '3.2500', '55.0000', '178.75'],
    ]);
    expect(draft.subtotal).toBe('1178.75');
    expect(draft.entryIds).toHaveLength(24);
    expect(result.retainer).toMatchObject({
      includedHours: '20',
      usedHours: '23.25',
      coveredHours: '20',
      overageHours: '3.25',
      carryOverHours: '0',
      expiredHours: '0',
    });
    expect(result.explanations.map((e) => e.rate.source)).toEqual(['retainer', 'retainer-overage']);
  });

  it('counts retainer hours once, whatever project rates say', () => {
    // Per-line rounding up to 15 min, one line: 50 min + 20 min = 70 min → 1.25 h; 1 h included,
    // 0.25 h over × 55 = 13.75. A project rate must not split the hours into separately rounded
    // buckets (50 → 60 min and 20 → 30 min would bill 1.5 h).
    const settings = (projectRates: Record<string, string>) =>
      billing({
        currency: 'AUD',
        hourlyRate: '55.00',
        grouping: 'single',
        projectRates,
        rounding: { minutes: 15, mode: 'up', per: 'line' },
        retainer: { hours: 1, amount: '100.00' },
      });
    const entries = [
      entry({ projectId: '1', start: '2026-11-03T09:00:00Z', durationSeconds: 50 * 60 }),
      entry({ projectId: '2', start: '2026-11-04T09:00:00Z', durationSeconds: 20 * 60 }),
    ];
    const plain = draftOf(build({ billing: settings({}), period: LONDON_NOV, entries }));
    const overridden = draftOf(build({ billing: settings({ '1': '70.00' }), period: LONDON_NOV, entries }));
    expect(overridden.lines).toEqual(plain.lines);
    expect(plain.subtotal).toBe('113.75');
  });

  it('uses its own overage rate when set', () => {
    // 3.25 h × 65 = 211.25.
    const result = build({
      billing: retained({ overageRate: '65.00' }),
      period: LONDON_NOV,
      entries: hours23(),
    });
    expect(draftOf(result).lines[1]).toMatchObject({ unitAmount: '65.0000', lineAmount: '211.25' });
    expect(draftOf(result).subtotal).toBe('1211.25');
  });

  it('rolls unused included hours over, spending carried-in hours first', () => {
    // Allowance 20 + 5 = 25 h; used 16.75 h: no overage. The 5 carried hours go first, so
    // 11.75 of the 20 included are used and 8.25 roll over; nothing lapses.
    const entries = [
      ...Array.from({ length: 16 }, (_, i) =>
        entry({ start: `2026-11-${String(i + 2).padStart(2, '0')}T09:00:00Z`, durationSeconds: 3600 }),
      ),
      entry({ start: '2026-11-20T09:00:00Z', durationSeconds: 2700 }),
    ];
    const result = build({
      billing: retained({ rollover: true }),
      period: LONDON_NOV,
      entries,
      carriedOverHours: '5',
    });
    const draft = draftOf(result);
    expect(draft.lines).toHaveLength(1);
    expect(draft.lines[0]?.description).toBe(
      'Retainer — 20 h included + 5 h carried over, 16.75 h used, 1–30 Nov 2026',
    );
    expect(draft.subtotal).toBe('1000.00');
    expect(result.retainer).toMatchObject({
      allowanceHours: '25',
      usedHours: '16.75',
      overageHours: '0',
      carryOverHours: '8.25',
      expiredHours: '0',
    });
  });

  it('lets carried-in hours lapse when they are not used', () => {
    // Used 2 h < 5 carried: all 20 included roll over, 3 carried hours lapse.
    const entries = [entry({ start: '2026-11-03T09:00:00Z', durationSeconds: 7200 })];
    const result = build({
      billing: retained({ rollover: true }),
      period: LONDON_NOV,
      entries,
      carriedOverHours: '5',
    });
    expect(result.retainer).toMatchObject({ usedHours: '2', carryOverHours: '20', expiredHours: '3' });
  });

  it('bills overage beyond the allowance including carried hours', () => {
    // 23.25 h used, 20 + 2.5 allowed: 0.75 h × 55 = 41.25 overage.
    const result = build({
      billing: retained({ rollover: true }),
      period: LONDON_NOV,
      entries: hours23(),
      carriedOverHours: '2.5',
    });
    expect(draftOf(result).lines[1]).toMatchObject({ quantity: '0.7500', lineAmount: '41.25' });
    expect(result.retainer).toMatchObject({
      overageHours: '0.75',
      carryOverHours: '0',
      coveredHours: '22.5',
    });
  });

  it('still bills the fixed amount in a period without hours', () => {
    const result = build({ billing: retained({}), period: LONDON_NOV, entries: [] });
    const draft = draftOf(result);
    expect(draft.lines.map((l) => l.lineAmount)).toEqual(['1000.00']);
    expect(draft.entryIds).toEqual([]);
  });

  it('bills only new overage when the period’s retainer was already invoiced', () => {
    // 19 h already used; 3 new hours: 22 − 20 = 2 h overage × 55 = 110.00, no second retainer line.
    const entries = [entry({ start: '2026-11-29T09:00:00Z', durationSeconds: 10_800 })];
    const result = build({
      billing: retained({}),
      period: LONDON_NOV,
      entries,
      retainerAlreadyInvoicedHours: '19',
    });
    expect(draftOf(result).lines.map((l) => [l.quantity, l.lineAmount])).toEqual([['2.0000', '110.00']]);
    const within = build({
      billing: retained({}),
      period: LONDON_NOV,
      entries: [entry({ start: '2026-11-29T09:00:00Z', durationSeconds: 1800 })],
      retainerAlreadyInvoicedHours: '10',
    });
    expect(within.draft).toBeNull();
    expect(within.reason).toMatch(/fit in the retainer already invoiced/);
  });
});

describe('the draft around the lines', () => {
  const settings = billing({ currency: 'AUD', hourlyRate: '55.00', paymentTermsDays: 15 });

  it('is dated the day after the period, due after the payment terms, with a key over its entries', () => {
    const entries = [
      entry({ id: 'b', start: '2026-11-03T09:00:00Z', durationSeconds: 3600 }),
      entry({ id: 'a', start: '2026-11-04T09:00:00Z', durationSeconds: 3600 }),
    ];
    const draft = draftOf(build({ billing: settings, period: LONDON_NOV, entries }));
    expect(draft).toMatchObject({
      clientId: 'koala-co',
      contactId: '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777',
      date: '2026-12-01',
      dueDate: '2026-12-16',
      reference: 'vahub koala-co 2026-11',
      lineAmountTypes: 'Exclusive',
      entryIds: ['b', 'a'],
    });
    expect(draft.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
    expect(draft.idempotencyKey).not.toBe(
      invoiceIdempotencyKey('koala-co', 'vahub koala-co 2026-11', ['a', 'b']),
    );
    const dated = draftOf(
      build({ billing: settings, period: LONDON_NOV, entries, invoiceDate: '2026-12-04' }),
    );
    expect([dated.date, dated.dueDate]).toEqual(['2026-12-04', '2026-12-19']);
    // Same entries, different content: a new key, so Xero never replays the older draft.
    expect(dated.idempotencyKey).not.toBe(draft.idempotencyKey);
    const rerated = draftOf(
      build({ billing: { ...settings, hourlyRate: '65.00' }, period: LONDON_NOV, entries }),
    );
    expect(rerated.idempotencyKey).not.toBe(draft.idempotencyKey);
    // A draft rebuilt after the VA deleted the first one in Xero gets a new key too.
    const again = draftOf(build({ billing: settings, period: LONDON_NOV, entries, supersedes: ['inv-1'] }));
    expect(again.idempotencyKey).not.toBe(draft.idempotencyKey);
    expect(
      draftOf(build({ billing: settings, period: LONDON_NOV, entries: [...entries].reverse() }))
        .idempotencyKey,
    ).toBe(draft.idempotencyKey);
  });

  it('gives no draft for an empty period, and says why', () => {
    const result = build({
      billing: settings,
      period: LONDON_NOV,
      entries: [entry({ start: '2026-11-03T09:00:00Z', durationSeconds: 600, billable: false })],
    });
    expect(result.draft).toBeNull();
    expect(result.reason).toBe('no billable time in 1–30 Nov 2026 (1 entry excluded: 1 non-billable)');
    expect(build({ billing: settings, period: LONDON_NOV, entries: [] }).reason).toMatch(/^no billable time/);
  });

  it('gives no draft when the billable time comes to nothing', () => {
    const free = billing({ currency: 'AUD', hourlyRate: '0' });
    const result = build({
      billing: free,
      period: LONDON_NOV,
      entries: [entry({ start: '2026-11-03T09:00:00Z', durationSeconds: 600 })],
    });
    expect(result.draft).toBeNull();
    expect(result.reason).toMatch(/come to 0 AUD/);
  });

  it('refuses malformed input with a clear error', () => {
    expect(() =>
      build({ billing: settings, period: LONDON_NOV, entries: [], invoiceDate: '2026-02-30' }),
    ).toThrow(/invoiceDate "2026-02-30" is not a calendar date/);
    expect(() =>
      build({
        billing: billing({ currency: 'AUD', hourlyRate: '1', retainer: { hours: 5, amount: '1' } }),
        period: LONDON_NOV,
        entries: [],
        carriedOverHours: '1.23456',
      }),
    ).toThrow(/carriedOverHours has more than 4 decimals/);
  });
});
