import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endOfLocalDate, startOfLocalDate } from '../time/zoned.js';
import { endOfDay, startOfDay } from './local-days.js';

/** Zones with DST at midnight, 30-minute or negative DST, a skipped day (Apia, 2011), odd offsets. */
const ZONES = [
  'Europe/Budapest',
  'America/New_York',
  'Australia/Sydney',
  'America/Santiago',
  'America/Havana',
  'America/Asuncion',
  'Asia/Beirut',
  'Australia/Lord_Howe',
  'Pacific/Apia',
  'Pacific/Chatham',
  'Africa/Casablanca',
  'Europe/Dublin',
  'Asia/Kolkata',
  'America/St_Johns',
  'UTC',
];

const DAY = 86_400_000;
const arbDate = fc
  .integer({ min: Date.UTC(1880, 0, 1) / DAY, max: Date.UTC(2060, 0, 1) / DAY })
  .map((d) => new Date(d * DAY).toISOString().slice(0, 10));

describe('local day bounds', () => {
  it('match startOfLocalDate and endOfLocalDate in every zone, DST and skipped days included', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), arbDate, (zone, date) => {
        expect(startOfDay(date, zone)).toBe(startOfLocalDate(date, zone));
        expect(endOfDay(date, zone)).toBe(endOfLocalDate(date, zone));
      }),
      { numRuns: 1500 },
    );
  });

  it('match on each day around a change at midnight and around the day Apia skipped', () => {
    const cases: [string, string][] = [
      ['Pacific/Apia', '2011-12-29'],
      ['Pacific/Apia', '2011-12-30'],
      ['Pacific/Apia', '2011-12-31'],
      ['America/Santiago', '2026-09-06'],
      ['America/Santiago', '2026-04-04'],
      ['America/Santiago', '2026-04-05'],
      ['America/Havana', '2026-03-08'],
      ['America/Havana', '2026-11-01'],
      ['Asia/Beirut', '2024-03-31'],
      ['Asia/Beirut', '2024-10-27'],
    ];
    for (const [zone, date] of cases) {
      expect(startOfDay(date, zone)).toBe(startOfLocalDate(date, zone));
      expect(endOfDay(date, zone)).toBe(endOfLocalDate(date, zone));
    }
  });

  it('reject what Temporal rejects, with its error', () => {
    for (const date of ['2026-02-30', '2026-13-01', 'tomorrow', '2026-1-1']) {
      let expected: unknown = null;
      try {
        startOfLocalDate(date, 'Europe/Budapest');
      } catch (e) {
        expected = e;
      }
      if (expected === null)
        expect(startOfDay(date, 'Europe/Budapest')).toBe(startOfLocalDate(date, 'Europe/Budapest'));
      else expect(() => startOfDay(date, 'Europe/Budapest')).toThrow((expected as Error).message);
    }
  });
});
