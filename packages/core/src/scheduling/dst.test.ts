import { describe, expect, it } from 'vitest';
import { planSchedule } from './plan.js';
import { finalBlocks, minutesOf, ms, planInput, task, violations, weekly } from './test-fixtures.js';
import type { PlanInput, PlanResult } from './types.js';

// Expected instants are worked out by hand in the comments, from the published offsets: Budapest
// CET +1 / CEST +2 (2026-03-29 to 2026-10-25), Sydney AEDT +11 until 2026-04-05 03:00, then AEST
// +10, New York EST -5 until 2026-03-08 02:00, then EDT -4.

const settings = (maxBlockMinutes: number) => ({
  bufferMinutes: 10,
  minBlockMinutes: 30,
  maxBlockMinutes,
  horizonDays: 3,
  earliestStartMinutes: 0,
});

function plan(fields: Partial<PlanInput>): PlanResult {
  const input = planInput(fields);
  const result = planSchedule(input);
  expect(violations(input, result)).toEqual([]);
  return result;
}

const onTime = (result: PlanResult, taskId: string, deadline: string) =>
  finalBlocks(result)
    .filter((b) => b.taskId === taskId)
    .reduce((sum, b) => sum + Math.max(0, Math.min(ms(b.end), ms(deadline)) - ms(b.start)) / 60_000, 0);

describe('deadlines read in the client zone across DST changes', () => {
  // Due 2026-04-05 in Sydney, the day Sydney leaves DST: the day ends at 2026-04-06 00:00 AEST
  // (+10) = 2026-04-05T14:00Z = 16:00 in Budapest. Reading it with the morning's +11 would say 13:00Z.
  const sydney = (estimateMinutes: number) =>
    plan({
      now: '2026-04-05T06:00:00Z', // Sunday 08:00 in Budapest
      va: { timezone: 'Europe/Budapest', workingHours: weekly({ 'mon-sun': '09:00-17:00' }) },
      settings: settings(240),
      tasks: [
        task({ id: 'a', clientId: 'koala-co', estimateMinutes, due: { kind: 'date', date: '2026-04-05' } }),
      ],
    });

  it('fits 7 hours between 09:00 and 16:00 Budapest for a task due the day Sydney leaves DST', () => {
    const result = sydney(420);
    expect(result.shortfalls).toEqual([]);
    expect(result.create.map((b) => [b.start, b.end])).toEqual([
      ['2026-04-05T07:00:00Z', '2026-04-05T10:30:00Z'],
      ['2026-04-05T10:30:00Z', '2026-04-05T14:00:00Z'],
    ]);
  });

  it('reports the half hour that does not fit before that deadline', () => {
    const result = sydney(450);
    expect(result.shortfalls).toMatchObject([
      {
        taskId: 'a',
        reason: 'not-enough-free-time',
        deadline: '2026-04-05T14:00:00Z',
        neededMinutes: 450,
        onTimeMinutes: 420,
        missingMinutes: 30,
      },
    ]);
    expect(onTime(result, 'a', '2026-04-05T14:00:00Z')).toBe(420);
  });

  // Due 2026-03-08 in New York, the 23-hour day DST starts: it ends at 2026-03-09 00:00 EDT (-4)
  // = 04:00Z = 05:00 in Budapest (still CET). With EST (-5) it would be 05:00Z.
  const newYork = (estimateMinutes: number) =>
    plan({
      now: '2026-03-09T02:00:00Z', // Monday 03:00 in Budapest
      va: { timezone: 'Europe/Budapest', workingHours: weekly({ 'mon-sun': '03:00-08:00' }) },
      settings: settings(240),
      tasks: [
        task({
          id: 'b',
          clientId: 'hudson-legal',
          estimateMinutes,
          due: { kind: 'date', date: '2026-03-08' },
        }),
      ],
    });

  it('gives a New York task due on its DST day exactly the 2 hours before 05:00 Budapest', () => {
    expect(newYork(120).shortfalls).toEqual([]);
    const short = newYork(180);
    expect(short.shortfalls).toMatchObject([
      { taskId: 'b', deadline: '2026-03-09T04:00:00Z', onTimeMinutes: 120, missingMinutes: 60 },
    ]);
  });

  it('says "deadline passed" when the client zone has already left the due day, though the VA has not', () => {
    // Due 2026-06-10 in Sydney: ends 2026-06-11 00:00 AEST = 2026-06-10T14:00Z. At 15:00Z it is
    // 17:00 on the 10th in Budapest but already the 11th in Sydney. The same date for a Budapest
    // client ends at 22:00Z and can still be met.
    const result = plan({
      now: '2026-06-10T15:00:00Z',
      va: { timezone: 'Europe/Budapest', workingHours: weekly({ 'mon-fri': '09:00-20:00' }) },
      settings: settings(120),
      tasks: [
        task({
          id: 'syd',
          clientId: 'koala-co',
          estimateMinutes: 60,
          due: { kind: 'date', date: '2026-06-10' },
        }),
        task({
          id: 'bud',
          clientId: 'danube',
          estimateMinutes: 60,
          due: { kind: 'date', date: '2026-06-10' },
        }),
      ],
    });
    expect(result.shortfalls).toMatchObject([
      { taskId: 'syd', reason: 'deadline-passed', deadline: '2026-06-10T14:00:00Z', placedMinutes: 60 },
    ]);
    expect(result.shortfalls[0]?.message).toContain('already passed');
    expect(onTime(result, 'bud', '2026-06-10T22:00:00Z')).toBe(60);
  });
});

describe('working hours as the VA wall clock reads them on 23- and 25-hour days', () => {
  const wholeSunday = (now: string, due: string, estimateMinutes: number, hours = '00:00-24:00') =>
    plan({
      now,
      va: { timezone: 'Europe/Budapest', workingHours: weekly({ sun: hours }) },
      settings: settings(720),
      tasks: [task({ id: 'd', clientId: 'danube', estimateMinutes, due: { kind: 'date', date: due } })],
    });

  it('has 23 hours of work on 2026-03-29, when Budapest springs forward', () => {
    // Sunday 00:00 CET = 2026-03-28T23:00Z; Monday 00:00 CEST = 2026-03-29T22:00Z.
    const fits = wholeSunday('2026-03-28T23:00:00Z', '2026-03-29', 23 * 60);
    expect(fits.shortfalls).toEqual([]);
    expect(fits.create.map((b) => [b.start, b.end])).toEqual([
      ['2026-03-28T23:00:00Z', '2026-03-29T10:30:00Z'],
      ['2026-03-29T10:30:00Z', '2026-03-29T22:00:00Z'],
    ]);
    expect(wholeSunday('2026-03-28T23:00:00Z', '2026-03-29', 23 * 60 + 30).shortfalls).toMatchObject([
      { onTimeMinutes: 23 * 60, missingMinutes: 30 },
    ]);
  });

  it('has 25 hours of work on 2026-10-25, when Budapest falls back', () => {
    // Sunday 00:00 CEST = 2026-10-24T22:00Z; Monday 00:00 CET = 2026-10-25T23:00Z.
    const fits = wholeSunday('2026-10-24T22:00:00Z', '2026-10-25', 25 * 60);
    expect(fits.shortfalls).toEqual([]);
    expect(fits.create.map(minutesOf)).toEqual([500, 500, 500]);
    expect(fits.create[0]?.start).toBe('2026-10-24T22:00:00Z');
    expect(fits.create[2]?.end).toBe('2026-10-25T23:00:00Z');
  });

  it('counts 01:00-05:00 as 3 hours on the spring day and 5 on the autumn day', () => {
    const spring = wholeSunday('2026-03-28T23:00:00Z', '2026-03-29', 240, '01:00-05:00');
    expect(spring.shortfalls).toMatchObject([{ placedMinutes: 180, onTimeMinutes: 180, missingMinutes: 60 }]);
    // 01:00 CET = 00:00Z; 05:00 CEST = 03:00Z; the next Sunday is beyond the horizon.
    expect(spring.create.map((b) => [b.start, b.end])).toEqual([
      ['2026-03-29T00:00:00Z', '2026-03-29T03:00:00Z'],
    ]);
    const autumn = wholeSunday('2026-10-24T22:00:00Z', '2026-10-25', 300, '01:00-05:00');
    expect(autumn.shortfalls).toEqual([]);
    // 01:00 CEST = 2026-10-24T23:00Z; 05:00 CET = 2026-10-25T04:00Z.
    expect(autumn.create.map((b) => [b.start, b.end])).toEqual([
      ['2026-10-24T23:00:00Z', '2026-10-25T04:00:00Z'],
    ]);
  });

  it('keeps a 09:00-17:00 day 8 hours long on the day the clocks change', () => {
    const result = wholeSunday('2026-03-28T23:00:00Z', '2026-03-29', 8 * 60, '09:00-17:00');
    // 09:00 CEST = 07:00Z, 17:00 CEST = 15:00Z.
    expect(result.create.map((b) => [b.start, b.end])).toEqual([
      ['2026-03-29T07:00:00Z', '2026-03-29T15:00:00Z'],
    ]);
  });
});
