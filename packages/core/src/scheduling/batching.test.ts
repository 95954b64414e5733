import { describe, expect, it } from 'vitest';
import { Temporal } from '../time/zoned.js';
import { planSchedule } from './plan.js';
import { demoWeek } from './test-demo-week.js';
import { accountingViolations, ms, plannedBlocks, violations } from './test-fixtures.js';
import type { PlanInput, PlanResult } from './types.js';

function plan(input: PlanInput): PlanResult {
  const result = planSchedule(input);
  expect(violations(input, result)).toEqual([]);
  expect(accountingViolations(input, result, true)).toEqual([]);
  return result;
}

const budapest = (iso: string) =>
  Temporal.Instant.from(iso).toZonedDateTimeISO('Europe/Budapest').toPlainDateTime().toString().slice(0, 16);

/** The blocks of one local afternoon, in time order: [start, end, client]. */
function afternoon(result: PlanResult, date: string): [string, string, string][] {
  return plannedBlocks(result)
    .filter((b) => budapest(b.start) >= `${date}T13:00` && budapest(b.start) < `${date}T18:00`)
    .sort((a, b) => ms(a.start) - ms(b.start))
    .map((b) => [budapest(b.start).slice(11), budapest(b.end).slice(11), b.clientId]);
}

/** Consecutive blocks of one local day for different clients with less than `gap` minutes between. */
function switchesWithoutBreak(result: PlanResult, gap: number): string[] {
  const blocks = plannedBlocks(result).sort((a, b) => ms(a.start) - ms(b.start));
  const out: string[] = [];
  for (let i = 1; i < blocks.length; i++) {
    const [a, b] = [blocks[i - 1], blocks[i]] as [(typeof blocks)[number], (typeof blocks)[number]];
    const sameDay = budapest(a.start).slice(0, 10) === budapest(b.start).slice(0, 10);
    if (sameDay && a.clientId !== b.clientId && ms(b.start) - ms(a.end) < gap * 60_000)
      out.push(`${budapest(a.start)} ${a.clientId} → ${budapest(b.start)} ${b.clientId}`);
  }
  return out;
}

describe('batching and breaks on the demo week', () => {
  it('plans the demo Tuesday afternoon as the demo shows: three clients back to back', () => {
    expect(afternoon(plan(demoWeek()), '2026-12-01')).toEqual([
      ['13:15', '13:45', 'hudson-legal'],
      ['13:45', '14:45', 'thames-studio'],
      ['14:45', '15:30', 'thames-studio'],
      ['15:30', '17:00', 'koala-co'],
    ]);
  });

  it('keeps a client’s blocks together, with a break between clients, when batching is on', () => {
    const batched = plan(demoWeek({ batching: 'adjacent', clientBreakMinutes: 10 }));
    const tuesday = afternoon(batched, '2026-12-01');
    expect(new Set(tuesday.map(([, , client]) => client)).size).toBeLessThan(3);
    expect(switchesWithoutBreak(batched, 10)).toEqual([]);
    expect(tuesday).toEqual([
      ['13:15', '14:45', 'koala-co'],
      ['14:55', '15:25', 'hudson-legal'],
      ['15:25', '17:00', 'hudson-legal'],
    ]);
    // Nothing is later for it: the same (overdue) task is late, and it alone.
    expect(batched.shortfalls.map((s) => [s.taskId, s.reason])).toEqual([['10', 'deadline-passed']]);
  });

  it('gives every switch between clients a break with client days too', () => {
    const days = plan(demoWeek({ batching: 'client-days', clientBreakMinutes: 15 }));
    expect(switchesWithoutBreak(days, 15)).toEqual([]);
    expect(days.shortfalls.map((s) => s.taskId)).toEqual(['10']);
  });

  it('drops a break where it would cost a deadline', () => {
    // Tuesday 13:15-14:15 Budapest is all the free time before a workshop. A Hudson task due 13:45
    // takes 13:15-13:45; a 10-minute break would leave no room for a Thames task due 14:15.
    const input = demoWeek({ clientBreakMinutes: 10, horizonDays: 2 });
    const [, , , portfolio, , , notes] = input.tasks as PlanInput['tasks'][number][];
    const result = plan({
      ...input,
      now: '2026-12-01T12:00:00Z',
      busy: [{ start: '2026-12-01T13:25:00Z', end: '2026-12-01T16:00:00Z', source: 'workshop' }],
      tasks: [
        { ...(notes as PlanInput['tasks'][number]), due: { kind: 'instant', at: '2026-12-01T12:45:00Z' } },
        {
          ...(portfolio as PlanInput['tasks'][number]),
          estimateMinutes: 30,
          due: { kind: 'instant', at: '2026-12-01T13:15:00Z' },
        },
      ],
    });
    expect(result.shortfalls).toEqual([]);
    expect(afternoon(result, '2026-12-01')).toEqual([
      ['13:15', '13:45', 'hudson-legal'],
      ['13:45', '14:15', 'thames-studio'],
    ]);
  });
});
