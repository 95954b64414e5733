import { describe, expect, it } from 'vitest';
import { planSchedule } from './plan.js';
import {
  accountingViolations,
  block,
  finalBlocks,
  minutesOf,
  planInput,
  task,
  violations,
} from './test-fixtures.js';
import type { PlanInput, PlanResult } from './types.js';

// Monday 2026-04-06, 08:00 in Budapest (CEST, +2); working hours Mon-Fri 09:00-17:00 = 07:00Z-15:00Z.
function plan(fields: Partial<PlanInput>, limits: { min: number; max: number }): PlanResult {
  const base = planInput();
  const input = planInput({
    ...fields,
    settings: {
      ...base.settings,
      bufferMinutes: 0,
      minBlockMinutes: limits.min,
      maxBlockMinutes: limits.max,
    },
  });
  const result = planSchedule(input);
  expect(violations(input, result)).toEqual([]);
  expect(accountingViolations(input, result, true)).toEqual([]);
  return result;
}

const placed = (r: PlanResult, taskId: string) =>
  r.create.filter((b) => b.taskId === taskId).map((b) => [b.start.slice(11, 16), minutesOf(b)]);

describe('chunk limits where the maximum is under twice the minimum', () => {
  it('places 45 and 75 minutes as two and three 30-minute blocks when blocks are 30 minutes only', () => {
    const r = plan(
      { tasks: [task({ id: 'a', estimateMinutes: 45 }), task({ id: 'b', estimateMinutes: 75 })] },
      { min: 30, max: 30 },
    );
    expect(placed(r, 'a')).toEqual([
      ['07:00', 30],
      ['07:30', 30],
    ]);
    expect(placed(r, 'b')).toEqual([
      ['08:00', 30],
      ['08:30', 30],
      ['09:00', 30],
    ]);
    expect(r.shortfalls).toEqual([]);
    expect(r.create[0]?.why[0]).toContain('45 min needed, rounded up to 60 min (2 blocks 30 min each)');
  });

  it('places 100 minutes as two 60-minute blocks with blocks of 60 to 90 minutes', () => {
    const r = plan({ tasks: [task({ id: 'c', estimateMinutes: 100 })] }, { min: 60, max: 90 });
    expect(placed(r, 'c')).toEqual([
      ['07:00', 60],
      ['08:00', 60],
    ]);
    expect(r.shortfalls).toEqual([]);
    expect(r.create[0]?.why[0]).toContain('100 min needed, rounded up to 120 min (2 blocks of 60 to 90 min)');
  });

  it('cuts a chunk short in a narrow stretch so that the rest still splits', () => {
    // 07:00-08:30 is free, then 09:00 on. 200 minutes in 60-90 chunks: 90 first would leave 110,
    // which no number of 60-90 chunks makes; 80 leaves 120 = 60 + 60.
    const r = plan(
      {
        tasks: [task({ id: 'd', estimateMinutes: 200 })],
        busy: [{ start: '2026-04-06T08:30:00Z', end: '2026-04-06T09:00:00Z' }],
      },
      { min: 60, max: 90 },
    );
    expect(placed(r, 'd')).toEqual([
      ['07:00', 80],
      ['09:00', 60],
      ['10:00', 60],
    ]);
    expect(r.shortfalls).toEqual([]);
  });

  it('says how the need was rounded when it does not all fit', () => {
    const r = plan(
      {
        tasks: [task({ id: 'e', estimateMinutes: 45, due: { kind: 'instant', at: '2026-04-06T07:30:00Z' } })],
      },
      { min: 30, max: 30 },
    );
    expect(r.shortfalls.map((s) => [s.reason, s.neededMinutes, s.onTimeMinutes, s.missingMinutes])).toEqual([
      ['not-enough-free-time', 60, 30, 30],
    ]);
    expect(r.shortfalls[0]?.message).toContain('45 min needed, rounded up to 60 min');
  });

  it('books nothing new for a task without an estimate whose started block has 15 minutes left', () => {
    // Rounding the 15 minutes up to two 45-minute chunks' worth would grow at every plan read back.
    const input = planInput({
      now: '2026-04-06T07:15:00Z',
      settings: { ...planInput().settings, minBlockMinutes: 45, maxBlockMinutes: 45 },
      tasks: [task({ id: 'f', estimateMinutes: null })],
      blocks: [block({ taskId: 'f', chunk: 1, start: '2026-04-06T07:00:00Z', end: '2026-04-06T07:30:00Z' })],
    });
    const first = planSchedule(input);
    expect(first.create).toEqual([]);
    const again = planSchedule({ ...input, blocks: finalBlocks(first) });
    expect([...again.create, ...again.move, ...again.delete]).toEqual([]);
    expect(first.shortfalls.map((s) => [s.reason, s.neededMinutes])).toEqual([['estimate-missing', 15]]);
  });
});
