import { describe, expect, it } from 'vitest';
import { planSchedule } from './plan.js';
import {
  accountingViolations,
  block,
  minutesOf,
  planInput,
  plannedBlocks,
  task,
  violations,
} from './test-fixtures.js';
import type { PlanInput, PlanResult } from './types.js';

// Monday 2026-04-06, 08:00 in Budapest (CEST, +2); working hours Mon-Fri 09:00-17:00 = 07:00Z-15:00Z.
function plan(fields: Partial<PlanInput>): PlanResult {
  const input = planInput(fields);
  const result = planSchedule(input);
  expect(violations(input, result)).toEqual([]);
  expect(accountingViolations(input, result, input.blocks.length === 0)).toEqual([]);
  return result;
}

const at = (hhmm: string, day = '06') => ({ kind: 'instant' as const, at: `2026-04-${day}T${hhmm}:00Z` });
const spans = (r: PlanResult, taskId: string) =>
  plannedBlocks(r)
    .filter((b) => b.taskId === taskId)
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((b) => `${b.start.slice(8, 16)}-${b.end.slice(11, 16)}`);

describe('when not every deadline can be kept', () => {
  // A long task due first, then three short ones due an hour apart. Earliest deadline first keeps
  // the long one and misses the other three; letting the long one go keeps three deadlines.
  const tasks = [
    task({ id: 'long', estimateMinutes: 300, due: at('12:00') }),
    task({ id: 'b', estimateMinutes: 90, due: at('13:00') }),
    task({ id: 'c', estimateMinutes: 90, due: at('14:00') }),
    task({ id: 'd', estimateMinutes: 90, due: at('15:00') }),
  ];

  it('keeps as many deadlines as it can, and puts the work that cannot make it after', () => {
    const result = plan({ tasks });
    expect(result.shortfalls.map((s) => s.taskId)).toEqual(['long']);
    expect(spans(result, 'b')).toEqual(['06T07:00-08:30']);
    expect(spans(result, 'c')).toEqual(['06T08:30-10:00']);
    expect(spans(result, 'd')).toEqual(['06T10:00-11:30']);
    // The long task takes what is left: 30 minutes before its deadline, the rest after it.
    expect(spans(result, 'long')).toEqual([
      '06T11:30-12:00',
      '06T12:00-13:30',
      '06T13:30-15:00',
      '07T07:00-08:30',
    ]);
  });

  it('says how late the work it lets go is, and why', () => {
    const [late] = planSchedule(planInput({ tasks })).shortfalls;
    expect(late).toMatchObject({
      taskId: 'long',
      reason: 'not-enough-free-time',
      onTimeMinutes: 30,
      missingMinutes: 270,
      late: { cause: 'gave-way', finishesAt: '2026-04-07T08:30:00Z', minutesLate: 20 * 60 + 30 },
    });
    expect(late?.message).toContain('finishes Tue 2026-04-07 10:30, 1230 min late: it gave way');
  });

  it('reports work that cannot fit even alone as too little time, not as giving way', () => {
    const result = plan({ tasks: [task({ id: 'big', estimateMinutes: 600, due: at('15:00') })] });
    expect(result.shortfalls[0]?.late).toEqual({
      cause: 'too-little-time',
      finishesAt: '2026-04-07T09:00:00Z',
      minutesLate: 18 * 60,
    });
  });

  it('puts overdue work after the work that can still make its deadline when there is no slack', () => {
    const result = plan({
      tasks: [
        task({ id: 'overdue', estimateMinutes: 120, due: at('06:00', '03') }),
        task({ id: 'today', estimateMinutes: 480, due: at('15:00') }),
      ],
    });
    expect(result.shortfalls.map((s) => [s.taskId, s.reason, s.late?.cause])).toEqual([
      ['overdue', 'deadline-passed', 'deadline-passed'],
    ]);
    expect(spans(result, 'overdue')).toEqual(['07T07:00-09:00']);
  });
});

describe('overdue work going first within the slack', () => {
  it('places a displaced block of overdue work once, whether its turn comes first or last', () => {
    // The overdue task's block is hit by a meeting. The slack before today's deadline lets only part
    // of the overdue work go first (its block again, whole); the rest follows the deadline's work.
    const o1 = block({
      taskId: 'overdue',
      chunk: 1,
      start: '2026-04-06T07:00:00Z',
      end: '2026-04-06T07:30:00Z',
    });
    const result = plan({
      tasks: [
        task({ id: 'overdue', estimateMinutes: 300, due: at('06:00', '03') }),
        task({ id: 'today', estimateMinutes: 360, due: at('15:00') }),
      ],
      busy: [{ start: '2026-04-06T07:00:00Z', end: '2026-04-06T07:30:00Z', source: 'Client call' }],
      blocks: [o1],
    });
    expect(result.move.map((m) => [m.id, m.reason])).toEqual([[o1.id, 'slot-busy']]);
    expect(plannedBlocks(result).filter((b) => b.id === o1.id)).toHaveLength(1);
    expect(result.shortfalls.map((s) => [s.taskId, s.reason])).toEqual([['overdue', 'deadline-passed']]);
  });
});

describe('a block never crosses its deadline', () => {
  it('splits the work at the deadline and marks the late part', () => {
    const result = plan({ tasks: [task({ id: 'a', estimateMinutes: 240, due: at('10:00') })] });
    expect(spans(result, 'a')).toEqual(['06T07:00-08:30', '06T08:30-10:00', '06T10:00-11:00']);
    expect(result.create.map((b) => b.late ?? false)).toEqual([false, false, true]);
    expect(result.create[2]?.why.join('\n')).toContain('after the deadline (the late part)');
    expect(result.shortfalls[0]?.late).toMatchObject({ finishesAt: '2026-04-06T11:00:00Z', minutesLate: 60 });
  });

  it('splits a block already on the calendar that runs past a deadline moved earlier', () => {
    const a1 = block({ taskId: 'a', chunk: 1, start: '2026-04-06T09:00:00Z', end: '2026-04-06T11:00:00Z' });
    const result = plan({ tasks: [task({ id: 'a', estimateMinutes: 120, due: at('10:00') })], blocks: [a1] });
    expect(result.move).toMatchObject([{ id: a1.id, reason: 'crosses-deadline' }]);
    expect(spans(result, 'a')).toEqual(['06T07:00-09:00']);
  });
});

describe('a new meeting moves only what it must', () => {
  it('moves a block it lands on whole, to the earliest slot of its length, and names the meeting', () => {
    // 90 minutes at 07:00Z; the meeting lands at 07:30Z. The next 40 free minutes (08:10-08:50,
    // before a 09:00 call) cannot hold it whole; 09:55 can, before its deadline.
    const a1 = block({ taskId: 'a', chunk: 1, start: '2026-04-06T07:00:00Z', end: '2026-04-06T08:30:00Z' });
    const meeting = { start: '2026-04-06T07:30:00Z', end: '2026-04-06T08:00:00Z', source: 'Client call' };
    const result = plan({
      tasks: [task({ id: 'a', estimateMinutes: 90, due: at('15:00') })],
      busy: [{ start: '2026-04-06T09:00:00Z', end: '2026-04-06T09:45:00Z', source: 'Team sync' }, meeting],
      blocks: [a1],
    });
    expect(result.create).toEqual([]);
    expect(result.move).toMatchObject([
      {
        id: a1.id,
        reason: 'slot-busy',
        busy: meeting,
        start: '2026-04-06T09:55:00Z',
        end: '2026-04-06T11:25:00Z',
      },
    ]);
    expect(result.move[0]?.why[0]).toContain('its time became busy (or too close to a meeting): Client call');
    expect(result.move[0]?.why.join('\n')).toContain('moved whole to the earliest free slot of its length');
  });

  it('names the meeting behind a block that made room for a deadline', () => {
    // Monday is full but for two blocks: an urgent task's, which the meeting hits, and one of work
    // due Friday. The urgent task takes the earliest time left, most of it the other block's; that
    // block moves to Tuesday.
    const u1 = block({
      taskId: 'urgent',
      chunk: 1,
      start: '2026-04-06T07:00:00Z',
      end: '2026-04-06T08:00:00Z',
    });
    const l1 = block({
      taskId: 'later',
      chunk: 1,
      start: '2026-04-06T08:10:00Z',
      end: '2026-04-06T09:10:00Z',
    });
    const meeting = { start: '2026-04-06T07:00:00Z', end: '2026-04-06T07:30:00Z', source: 'Client call' };
    const result = plan({
      tasks: [
        task({ id: 'urgent', estimateMinutes: 60, due: at('12:00') }),
        task({ id: 'later', estimateMinutes: 60, due: at('15:00', '10') }),
      ],
      busy: [meeting, { start: '2026-04-06T09:20:00Z', end: '2026-04-06T15:00:00Z', source: 'Workshop' }],
      blocks: [u1, l1],
    });
    expect(result.shortfalls).toEqual([]);
    expect(spans(result, 'urgent')).toEqual(['06T07:40-08:40']);
    expect(result.move.find((m) => m.id === l1.id)).toMatchObject({
      reason: 'made-room',
      forTaskId: 'urgent',
      busy: meeting,
      start: '2026-04-07T07:00:00Z',
    });
    const why = result.move.find((m) => m.id === l1.id)?.why.join('\n') ?? '';
    expect(why).toContain('made room for "Task urgent"');
    expect(why).toContain(
      'its own block had to move (its time became busy (or too close to a meeting): Client call',
    );
  });
});

describe('priorities', () => {
  it('protects important work without a deadline from being pushed behind all work that has one', () => {
    // A fortnight of work due on days 3 to 13, and a 4-hour important task without a deadline.
    const week = Array.from({ length: 9 }, (_, i) =>
      task({
        id: `d${i}`,
        estimateMinutes: 420,
        due: { kind: 'date', date: `2026-04-${String(8 + i + (i >= 4 ? 2 : 0)).padStart(2, '0')}` },
      }),
    );
    const important = task({
      id: 'strategy',
      estimateMinutes: 240,
      priority: { urgent: false, important: true },
    });
    const settings = { ...planInput().settings, horizonDays: 14 };
    const protectedPlan = plan({ settings, tasks: [...week, important] });
    const unprotected = plan({
      settings: { ...settings, importantWithinDays: 0 },
      tasks: [...week, important],
    });
    const finish = (r: PlanResult) => spans(r, 'strategy').at(-1) ?? '';
    expect(finish(unprotected) > '16').toBe(true);
    expect(finish(protectedPlan) < '14').toBe(true);
    expect(protectedPlan.shortfalls).toEqual([]);
    expect(
      plannedBlocks(protectedPlan)
        .filter((b) => b.taskId === 'strategy')
        .reduce((s, b) => s + minutesOf(b), 0),
    ).toBe(240);
  });
});
