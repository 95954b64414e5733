import { describe, expect, it } from 'vitest';
import { blockEventId } from '../crypto/ids.js';
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

// Working hours Mon-Fri 09:00-17:00 Budapest = 07:00Z-15:00Z (CEST, +2) in the week of 2026-04-06.
function plan(fields: Partial<PlanInput>): PlanResult {
  const input = planInput(fields);
  const result = planSchedule(input);
  expect(violations(input, result)).toEqual([]);
  expect(accountingViolations(input, result, false)).toEqual([]);
  return result;
}

const span = (b: { start: string; end: string }) => [b.start, b.end];

// A 6-hour task booked as two hours on each of Monday, Tuesday and Wednesday.
const mon = block({ taskId: 'a', chunk: 1, start: '2026-04-06T07:00:00Z', end: '2026-04-06T09:00:00Z' });
const tue = block({ taskId: 'a', chunk: 2, start: '2026-04-07T07:00:00Z', end: '2026-04-07T09:00:00Z' });
const wed = block({ taskId: 'a', chunk: 3, start: '2026-04-08T07:00:00Z', end: '2026-04-08T09:00:00Z' });

describe('blocks in the past count against the estimate', () => {
  it('does not book a 6-hour task again on Tuesday morning after Monday’s two hours', () => {
    const result = plan({
      now: '2026-04-07T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 360 })],
      blocks: [mon, tue, wed],
    });
    expect(result.create).toEqual([]);
    expect(result.keep.map((k) => [k.chunk, k.keptBecause])).toEqual([
      [1, 'started'],
      [2, 'still-valid'],
      [3, 'still-valid'],
    ]);
    expect(result.shortfalls).toEqual([]);
  });

  it('books nothing once all of the estimate lies in the past, and leaves the past blocks as they are', () => {
    const result = plan({
      now: '2026-04-09T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 360 })],
      blocks: [mon, tue, wed],
    });
    expect([...result.create, ...result.move, ...result.delete]).toEqual([]);
    expect(result.keep.map((k) => [k.id, k.keptBecause])).toEqual([
      [mon.id, 'started'],
      [tue.id, 'started'],
      [wed.id, 'started'],
    ]);
    expect(result.shortfalls).toEqual([]);
  });

  it('counts the elapsed part of a running block, and says so in the trail', () => {
    // 08:00Z: an hour of Monday's block is behind, an hour ahead; 180 minutes less 60 = 120.
    const result = plan({
      now: '2026-04-06T08:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 180 })],
      blocks: [mon],
    });
    expect(result.create.map((b) => [b.chunk, ...span(b)])).toEqual([
      [2, '2026-04-06T09:00:00Z', '2026-04-06T10:00:00Z'],
    ]);
    expect(result.create[0]?.why[0]).toContain(
      '180 min estimated − 60 min in its blocks already past = 120 min needed',
    );
  });

  it('asks no block for the seconds a block running at an odd second leaves', () => {
    const result = plan({
      now: '2026-04-06T08:00:30Z',
      tasks: [task({ id: 'a', estimateMinutes: 120 })],
      blocks: [mon],
    });
    expect(result.create).toEqual([]);
    expect(result.shortfalls).toEqual([]);
  });

  it('lets known tracked time win over the estimate less the past', () => {
    // Tracked time says 300 minutes are left, whatever the blocks behind say.
    const result = plan({
      now: '2026-04-07T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 360, trackedMinutes: 60 })],
      blocks: [mon],
    });
    expect(finalBlocks(result).reduce((sum, b) => sum + minutesOf(b), 0) - minutesOf(mon)).toBe(300);
  });

  it('names the past blocks in a shortfall', () => {
    const result = plan({
      now: '2026-04-07T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 300, due: { kind: 'instant', at: '2026-04-07T08:00:00Z' } })],
      blocks: [mon],
    });
    expect(result.shortfalls.map((s) => [s.reason, s.neededMinutes, s.onTimeMinutes])).toEqual([
      ['not-enough-free-time', 180, 60],
    ]);
    expect(result.shortfalls[0]?.message).toContain(
      '300 min estimated − 120 min in its blocks already past = 180 min needed',
    );
  });
});

describe('chunk numbers of blocks in the past', () => {
  it('gives a new block a chunk number above a past block’s, so never its event id', () => {
    const friday = block({
      taskId: 'a',
      chunk: 1,
      start: '2026-04-03T07:00:00Z',
      end: '2026-04-03T08:00:00Z',
    });
    const result = plan({
      now: '2026-04-06T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 120 })],
      blocks: [friday],
    });
    expect(result.create.map((b) => [b.chunk, b.id, minutesOf(b)])).toEqual([
      [2, blockEventId('koala-co', 'a', 2), 60],
    ]);
    expect(result.create[0]?.id).not.toBe(friday.id);
    expect(result.keep.map((k) => [k.id, k.keptBecause, ...span(k)])).toEqual([
      [friday.id, 'started', ...span(friday)],
    ]);
  });

  it('numbers above the highest chunk of any block of the task, invalid and past ones included', () => {
    const past = block({ taskId: 'a', chunk: 7, start: '2026-04-02T07:00:00Z', end: '2026-04-02T07:30:00Z' });
    const broken = block({
      taskId: 'a',
      chunk: 9,
      start: '2026-04-01T07:00:00Z',
      end: '2026-04-01T07:00:00Z',
      movedByVa: true,
    });
    const result = plan({
      now: '2026-04-06T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 90 })],
      blocks: [past, broken],
    });
    expect(result.create.map((b) => [b.chunk, minutesOf(b)])).toEqual([[10, 60]]);
  });
});

describe('tracked time, when known, is the work done', () => {
  it('books a skipped block’s work again: nothing was tracked in it', () => {
    // Monday's two hours were blocked but nothing was tracked: all 6 hours are still to do.
    const result = plan({
      now: '2026-04-07T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 360, trackedMinutes: 0 })],
      blocks: [mon, tue, wed],
    });
    const ahead = finalBlocks(result).filter((b) => b.start >= '2026-04-07');
    expect(ahead.reduce((sum, b) => sum + minutesOf(b), 0)).toBe(360);
    expect(result.create.map((b) => [b.chunk, minutesOf(b)])).toEqual([[4, 120]]);
    expect(result.create[0]?.why[0]).toContain('360 min needed');
  });

  it('books only what the tracked time leaves, whatever the blocks behind say', () => {
    // 45 minutes tracked in Monday's 2-hour block: 360 - 45 = 315 minutes to go.
    const result = plan({
      now: '2026-04-07T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 360, trackedMinutes: 45 })],
      blocks: [mon, tue, wed],
    });
    const ahead = finalBlocks(result).filter((b) => b.start >= '2026-04-07');
    expect(ahead.reduce((sum, b) => sum + minutesOf(b), 0)).toBe(315);
    expect(result.create[0]?.why[0]).toContain('360 min estimated − 45 min tracked = 315 min needed');
  });

  it('books nothing, and trims what is booked, once the tracked time covers the estimate', () => {
    const result = plan({
      now: '2026-04-07T06:00:00Z',
      tasks: [task({ id: 'a', estimateMinutes: 360, trackedMinutes: 400 })],
      blocks: [mon, tue, wed],
    });
    expect(result.create).toEqual([]);
    expect(result.delete.map((d) => [d.block.id, d.reason])).toEqual([
      [tue.id, 'less-time-needed'],
      [wed.id, 'less-time-needed'],
    ]);
    expect(result.shortfalls).toEqual([]);
  });

  it('refuses tracked time that is not a number of minutes ≥ 0', () => {
    expect(() => planSchedule(planInput({ tasks: [task({ id: 'a', trackedMinutes: -5 })] }))).toThrow(
      'tasks[0].trackedMinutes: expected minutes ≥ 0 or null (null: not known)',
    );
  });
});
