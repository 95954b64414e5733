import { describe, expect, it } from 'vitest';
import { classifyEntries } from './eligibility.js';
import { entry, month } from './test-fixtures.js';

const period = month('2026-11-15T12:00:00Z', 'Europe/London');
const inside = '2026-11-10T09:00:00Z';

describe('classifyEntries', () => {
  it('says why each entry is left out', () => {
    const entries = [
      entry({ id: 'ok', start: inside, durationSeconds: 60 }),
      entry({ id: 'gone', start: inside, durationSeconds: 60, deleted: true }),
      entry({ id: 'bad-start', start: 'yesterday', durationSeconds: 60 }),
      entry({ id: 'bad-duration', start: inside, durationSeconds: 60.5 }),
      entry({ id: 'before', start: '2026-10-31T23:59:59Z', durationSeconds: 60 }),
      entry({ id: 'running', start: inside, durationSeconds: -1_763_000_000 }),
      entry({ id: 'free', start: inside, durationSeconds: 60, billable: false }),
      entry({ id: 'billed', start: inside, durationSeconds: 60, tags: ['client-a', 'Invoiced'] }),
    ];
    const { eligible, excluded } = classifyEntries({ entries, period, invoicedTag: 'invoiced' });
    expect(eligible.map((e) => e.entry.id)).toEqual(['ok']);
    expect(excluded.map((e) => [e.entryId, e.reason])).toEqual([
      ['gone', 'deleted'],
      ['bad-duration', 'invalid'],
      ['bad-start', 'invalid'],
      ['before', 'outside-period'],
      ['running', 'running'],
      ['free', 'non-billable'],
      ['billed', 'already-invoiced'],
    ]);
    expect(excluded.find((e) => e.entryId === 'bad-start')?.detail).toContain('"yesterday"');
    expect(excluded.find((e) => e.entryId === 'running')?.detail).toContain('stop it');
  });

  it('refuses impossible start dates instead of rolling them into the next month', () => {
    const entries = ['2026-02-30T10:00:00Z', '2026-11-31T10:00:00Z', '2026-11-30T24:00:00Z'].map((start, i) =>
      entry({ id: `odd-${i}`, start, durationSeconds: 60 }),
    );
    const dec = month('2026-12-15T12:00:00Z', 'Europe/London');
    const { eligible, excluded } = classifyEntries({ entries, period: dec, invoicedTag: 'invoiced' });
    expect(eligible).toEqual([]);
    expect(excluded.map((e) => e.reason)).toEqual(['invalid', 'invalid', 'invalid']);
  });

  it('keeps the last copy of an entry listed twice', () => {
    const first = entry({ id: 'x', start: inside, durationSeconds: 60 });
    const later = { ...first, durationSeconds: 120 };
    const { eligible, excluded } = classifyEntries({
      entries: [first, later],
      period,
      invoicedTag: 'invoiced',
    });
    expect(eligible.map((e) => e.seconds)).toEqual([120]);
    expect(excluded).toEqual([
      { entryId: 'x', reason: 'duplicate', detail: 'listed twice: the later copy counts' },
    ]);
  });

  it('includes the first instant of the period and excludes the first instant after it', () => {
    const { eligible, excluded } = classifyEntries({
      entries: [
        entry({ id: 'first', start: '2026-11-01T00:00:00Z', durationSeconds: 60 }),
        entry({ id: 'after', start: '2026-12-01T00:00:00Z', durationSeconds: 60 }),
        entry({ id: 'last', start: '2026-11-30T23:59:59.999Z', durationSeconds: 60 }),
      ],
      period,
      invoicedTag: 'invoiced',
    });
    expect(eligible.map((e) => e.entry.id)).toEqual(['first', 'last']);
    expect(excluded.map((e) => e.entryId)).toEqual(['after']);
  });

  it('reads offsets and long fractions exactly, sorting by instant then id', () => {
    const { eligible } = classifyEntries({
      entries: [
        entry({ id: 'b', start: '2026-11-10T10:00:00+01:00', durationSeconds: 1 }),
        entry({ id: 'a', start: '2026-11-10T09:00:00.000000Z', durationSeconds: 1 }),
        entry({ id: 'c', start: '2026-11-10T08:59:59.999999999Z', durationSeconds: 1 }),
      ],
      period,
      invoicedTag: 'invoiced',
    });
    expect(eligible.map((e) => [e.entry.id, new Date(e.startMs).toISOString()])).toEqual([
      ['c', '2026-11-10T08:59:59.999Z'],
      ['a', '2026-11-10T09:00:00.000Z'],
      ['b', '2026-11-10T09:00:00.000Z'],
    ]);
  });
});
