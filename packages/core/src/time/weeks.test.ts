import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isIsoWeek,
  isoWeekAt,
  isoWeekOfDate,
  isoWeekPeriod,
  mondayOfIsoWeek,
  reportWeekAt,
} from './weeks.js';
import { parseInstant, Temporal } from './zoned.js';

describe('ISO weeks', () => {
  it('names weeks as ISO 8601 does, across year ends', () => {
    expect(isoWeekOfDate('2026-12-03')).toBe('2026-W49');
    expect(isoWeekOfDate('2026-11-30')).toBe('2026-W49');
    // 1 January 2027 is a Friday: it belongs to 2026's last week, which is week 53.
    expect(isoWeekOfDate('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOfDate('2024-12-30')).toBe('2025-W01');
    expect(mondayOfIsoWeek('2025-W01')).toBe('2024-12-30');
    expect(mondayOfIsoWeek('2026-W53')).toBe('2026-12-28');
  });

  it('refuses weeks that do not exist, saying how to write one', () => {
    expect(isIsoWeek('2027-W53')).toBe(false);
    expect(isIsoWeek('2026-W00')).toBe(false);
    expect(isIsoWeek('2026-49')).toBe(false);
    expect(() => mondayOfIsoWeek('2026-W7')).toThrow(/"2026-W7" is not an ISO week: write it like 2026-W49/);
  });

  it('round-trips every Monday between 1990 and 2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_700 }), (weeks) => {
        const monday = Temporal.PlainDate.from('1990-01-01').add({ weeks }).toString();
        const week = isoWeekOfDate(monday);
        expect(isIsoWeek(week)).toBe(true);
        expect(mondayOfIsoWeek(week)).toBe(monday);
      }),
    );
  });

  it('reads a week in the given zone: Monday 00:00 to Monday 00:00 there, 169 h across autumn DST', () => {
    const london = isoWeekPeriod('2026-W43', 'Europe/London');
    expect([london.firstDate, london.lastDate]).toEqual(['2026-10-19', '2026-10-25']);
    expect(london.start).toBe(parseInstant('2026-10-18T23:00:00Z'));
    // BST ends on Sunday 25 October: the week ends at 00:00 GMT, 169 hours after it began.
    expect(london.end).toBe(parseInstant('2026-10-26T00:00:00Z'));
    expect((london.end - london.start) / 3_600_000).toBe(169);
    const sydney = isoWeekPeriod('2026-W49', 'Australia/Sydney');
    expect(sydney.start).toBe(parseInstant('2026-11-29T13:00:00Z'));
  });

  it('finds the week of an instant on the local wall clock', () => {
    // Sunday 22:00 in London is already Monday in Sydney.
    const at = parseInstant('2026-11-29T22:00:00Z');
    expect(isoWeekAt(at, 'Europe/London')).toBe('2026-W48');
    expect(isoWeekAt(at, 'Australia/Sydney')).toBe('2026-W49');
  });

  it('reports on the current week from Thursday on, and on the week before until Wednesday', () => {
    const zone = 'Europe/London';
    const at = (local: string) => Temporal.PlainDateTime.from(local).toZonedDateTime(zone).epochMilliseconds;
    expect(reportWeekAt(at('2026-12-02T23:59'), zone)).toBe('2026-W48'); // Wednesday
    expect(reportWeekAt(at('2026-12-03T00:00'), zone)).toBe('2026-W49'); // Thursday
    expect(reportWeekAt(at('2026-12-04T16:00'), zone)).toBe('2026-W49'); // Friday
    expect(reportWeekAt(at('2026-12-06T23:00'), zone)).toBe('2026-W49'); // Sunday
    expect(reportWeekAt(at('2026-12-07T08:00'), zone)).toBe('2026-W49'); // Monday: the week just ended
  });
});
