import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  endOfLocalDate,
  localDateOf,
  parseInstant,
  periodContaining,
  Temporal,
  type WeeklyHours,
  workingWindows,
} from './zoned.js';

const nineToFive: WeeklyHours = {
  mon: [{ startMinute: 540, endMinute: 1020 }],
  tue: [{ startMinute: 540, endMinute: 1020 }],
  wed: [{ startMinute: 540, endMinute: 1020 }],
  thu: [{ startMinute: 540, endMinute: 1020 }],
  fri: [{ startMinute: 540, endMinute: 1020 }],
  sat: [],
  sun: [{ startMinute: 60, endMinute: 240 }], // 01:00–04:00 on Sundays crosses the DST jumps
};

const wallMinute = (ms: number, zone: string) => {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
  return { day: z.dayOfWeek, minute: z.hour * 60 + z.minute };
};

const HOUR = 3_600_000;

describe('workingWindows', () => {
  it('keeps 09:00–17:00 at 8 wall-clock hours on both sides of a DST change (Budapest, March 2026)', () => {
    const windows = workingWindows(
      nineToFive,
      'Europe/Budapest',
      parseInstant('2026-03-27T00:00:00Z'),
      parseInstant('2026-03-31T00:00:00Z'),
    );
    const byDate = windows.map((w) => [localDateOf(w.start, 'Europe/Budapest'), (w.end - w.start) / HOUR]);
    expect(byDate).toEqual([
      ['2026-03-27', 8],
      // Sunday 29 March: clocks jump 02:00 → 03:00, so 01:00–04:00 lasts 2 real hours.
      ['2026-03-29', 2],
      ['2026-03-30', 8],
    ]);
    expect(new Date(windows[0]!.start).toISOString()).toBe('2026-03-27T08:00:00.000Z');
    expect(new Date(windows[2]!.start).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('lasts 4 real hours for 01:00–04:00 when the clock falls back (Sydney, 5 April 2026)', () => {
    const windows = workingWindows(
      nineToFive,
      'Australia/Sydney',
      parseInstant('2026-04-04T00:00:00Z'),
      parseInstant('2026-04-05T12:00:00Z'),
    );
    expect(windows.map((w) => (w.end - w.start) / HOUR)).toEqual([4]);
  });

  const zones = [
    'Europe/Budapest',
    'Australia/Sydney',
    'America/New_York',
    'Europe/London',
    'America/Sao_Paulo',
    'Pacific/Auckland',
  ];
  // Windows around each zone's DST changes in 2026, both hemispheres.
  const dstWeeks = ['2026-03-06', '2026-03-27', '2026-04-03', '2026-09-25', '2026-10-23', '2026-10-30'];

  it('never contains an instant outside the wall-clock hours, on DST days in both hemispheres', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...dstWeeks),
        fc.integer({ min: 0, max: 4 * 24 * 60 }),
        fc.integer({ min: 1, max: 5 * 24 * 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (zone, week, offsetMin, lengthMin, where) => {
          const from = parseInstant(`${week}T00:00:00Z`) + offsetMin * 60_000;
          const to = from + lengthMin * 60_000;
          const windows = workingWindows(nineToFive, zone, from, to);
          for (const w of windows) {
            expect(w.start).toBeGreaterThanOrEqual(from);
            expect(w.end).toBeLessThanOrEqual(to);
            expect(w.end).toBeGreaterThan(w.start);
            // Any instant inside the window reads as working time on the zone's wall clock.
            const probe = w.start + Math.floor((w.end - w.start - 1) * where);
            const { day, minute } = wallMinute(probe, zone);
            const ranges = Object.values(nineToFive)[day - 1]!;
            expect(ranges.some((r) => minute >= r.startMinute && minute < r.endMinute)).toBe(true);
          }
          for (let i = 1; i < windows.length; i++)
            expect(windows[i]!.start).toBeGreaterThanOrEqual(windows[i - 1]!.end);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('covers every working minute: an instant on working wall-clock time is inside some window', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...dstWeeks),
        fc.integer({ min: 0, max: 5 * 24 * 60 - 1 }),
        (zone, week, m) => {
          const from = parseInstant(`${week}T00:00:00Z`);
          const probe = from + m * 60_000;
          const { day, minute } = wallMinute(probe, zone);
          const working = Object.values(nineToFive)[day - 1]!.some(
            (r) => minute >= r.startMinute && minute < r.endMinute,
          );
          const inside = workingWindows(nineToFive, zone, from, from + 5 * 24 * HOUR).some(
            (w) => probe >= w.start && probe < w.end,
          );
          expect(inside).toBe(working);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('endOfLocalDate', () => {
  it('ends a Sydney due date at Sydney midnight, whatever zone the VA is in', () => {
    expect(new Date(endOfLocalDate('2026-04-05', 'Australia/Sydney')).toISOString()).toBe(
      '2026-04-05T14:00:00.000Z',
    );
    expect(new Date(endOfLocalDate('2026-04-04', 'Australia/Sydney')).toISOString()).toBe(
      '2026-04-04T13:00:00.000Z',
    );
    expect(new Date(endOfLocalDate('2026-03-08', 'America/New_York')).toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    );
  });

  it('is the start of a day that skips midnight (Santiago starts DST at 00:00)', () => {
    const end = endOfLocalDate('2026-09-05', 'America/Santiago');
    expect(
      Temporal.Instant.fromEpochMilliseconds(end)
        .toZonedDateTimeISO('America/Santiago')
        .toPlainTime()
        .toString(),
    ).toBe('01:00:00');
  });
});

describe('periodContaining', () => {
  it('puts an instant near midnight UTC in the month its zone reads', () => {
    const at = parseInstant('2026-10-31T14:30:00Z'); // 1 Nov 01:30 in Sydney
    expect(periodContaining('month', at, 'Australia/Sydney')).toMatchObject({
      firstDate: '2026-11-01',
      lastDate: '2026-11-30',
    });
    expect(periodContaining('month', at, 'America/New_York')).toMatchObject({
      firstDate: '2026-10-01',
      lastDate: '2026-10-31',
    });
  });

  it('makes weeks of 7 local days starting on the chosen weekday', () => {
    const p = periodContaining('week', parseInstant('2026-11-28T12:00:00Z'), 'Europe/London');
    expect(p).toMatchObject({ firstDate: '2026-11-23', lastDate: '2026-11-29' });
    const sunday = periodContaining('week', parseInstant('2026-11-28T12:00:00Z'), 'Europe/London', 'sun');
    expect(sunday.firstDate).toBe('2026-11-22');
  });

  it('tiles time: every instant falls in exactly the period that contains it, and periods abut', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('week' as const, 'month' as const),
        fc.constantFrom('Australia/Sydney', 'America/New_York', 'Europe/London', 'Asia/Kolkata'),
        fc.integer({ min: parseInstant('2025-01-01T00:00:00Z'), max: parseInstant('2028-01-01T00:00:00Z') }),
        (kind, zone, ms) => {
          const p = periodContaining(kind, ms, zone);
          expect(ms).toBeGreaterThanOrEqual(p.start);
          expect(ms).toBeLessThan(p.end);
          expect(periodContaining(kind, p.end, zone).start).toBe(p.end);
          expect(localDateOf(p.start, zone)).toBe(p.firstDate);
          expect(localDateOf(p.end - 1, zone)).toBe(p.lastDate);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
