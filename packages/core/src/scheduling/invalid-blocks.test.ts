import { describe, expect, it } from 'vitest';
import { blockEventId } from '../crypto/ids.js';
import { PlanInputError } from './input.js';
import { planSchedule } from './plan.js';
import { block, finalBlocks, minutesOf, planInput, task, violations } from './test-fixtures.js';
import type { PlanInput, PlanResult } from './types.js';

// Monday 2026-04-06, 08:00 in Budapest (CEST, +2); working hours Mon-Fri 09:00-17:00 = 07:00Z-15:00Z.
function plan(fields: Partial<PlanInput>): PlanResult {
  const input = planInput(fields);
  const result = planSchedule(input);
  expect(violations(input, result)).toEqual([]);
  return result;
}

const span = (b: { start: string; end: string }) => [b.start, b.end];

describe('a block no plan can use never stops planning', () => {
  it('plans on when the VA shortened a block to nothing, and leaves that block alone', () => {
    const shortened = block({
      taskId: 'a',
      chunk: 1,
      start: '2026-04-06T07:00:00Z',
      end: '2026-04-06T07:00:00Z',
      movedByVa: true,
    });
    const result = plan({
      tasks: [task({ id: 'a' }), task({ id: 'b' })],
      blocks: [shortened],
    });
    expect(result.ignored.map((i) => [i.block, i.problem])).toEqual([[shortened, 'end-not-after-start']]);
    expect(result.ignored[0]?.why.join('\n')).toContain('left alone: the VA changed it by hand');
    // Not busy time, and not time held for "a": a's hour starts right where the empty block sits.
    expect(result.create.map((b) => [b.taskId, b.chunk, ...span(b)])).toEqual([
      ['a', 2, '2026-04-06T07:00:00Z', '2026-04-06T08:00:00Z'],
      ['b', 1, '2026-04-06T08:00:00Z', '2026-04-06T09:00:00Z'],
    ]);
    expect([...result.keep, ...result.move, ...result.delete]).toEqual([]);
  });

  it("deletes vahub's own future block that ends before it starts, and books the task in full", () => {
    const reversed = block({
      taskId: 'a',
      chunk: 3,
      start: '2026-04-07T09:00:00Z',
      end: '2026-04-07T08:00:00Z',
    });
    const result = plan({ tasks: [task({ id: 'a', estimateMinutes: 90 })], blocks: [reversed] });
    expect(result.delete).toMatchObject([
      { block: reversed, reason: 'invalid-block', problem: 'end-not-after-start' },
    ]);
    expect(result.delete[0]?.why.join('\n')).toContain('ends (2026-04-07T08:00:00Z) at or before it starts');
    expect(result.create.map((b) => [b.chunk, ...span(b)])).toEqual([
      [4, '2026-04-06T07:00:00Z', '2026-04-06T08:30:00Z'],
    ]);
    expect(result.ignored).toEqual([]);
    expect(result.shortfalls).toEqual([]);
  });

  it('leaves alone an invalid block in the past, of an unknown client, with an unreadable time, or a twin', () => {
    const past = block({ taskId: 'a', chunk: 1, start: '2026-04-03T09:00:00Z', end: '2026-04-03T08:00:00Z' });
    const foreign = block({
      taskId: 'a',
      clientId: 'nobody',
      chunk: 2,
      start: '2026-04-08T09:00:00Z',
      end: '2026-04-08T09:00:00Z',
    });
    const unreadable = block({ taskId: 'b', chunk: 1, start: '2026-04-09T07:00:00Z', end: 'tomorrow' });
    const twin1 = block({
      taskId: 'c',
      chunk: 1,
      start: '2026-04-08T07:00:00Z',
      end: '2026-04-08T08:00:00Z',
    });
    const twin2 = { ...twin1, start: '2026-04-09T07:00:00Z', end: '2026-04-09T08:00:00Z' };
    const result = plan({
      tasks: [task({ id: 'a' }), task({ id: 'b' }), task({ id: 'c' })],
      blocks: [twin2, unreadable, foreign, past, twin1],
    });
    const problems = result.ignored.map((i) => [i.block.taskId, i.block.start, i.problem]);
    expect(problems).toHaveLength(5);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['a', past.start, 'end-not-after-start'],
        ['a', foreign.start, 'end-not-after-start'],
        ['b', unreadable.start, 'unreadable-time'],
        ['c', twin1.start, 'duplicate-id'],
        ['c', twin2.start, 'duplicate-id'],
      ]),
    );
    const why = (taskId: string, start: string) =>
      result.ignored.find((i) => i.block.taskId === taskId && i.block.start === start)?.why.join('\n');
    expect(why('a', past.start)).toContain('not wholly in the future');
    expect(why('a', foreign.start)).toContain('its client is not in the configuration');
    expect(why('c', twin1.start)).toContain('deleting by id could remove the other block too');
    expect(result.delete).toEqual([]);
    // Each task still gets its hour; "c" above the twins' chunk number, never under their id.
    expect(result.create.map((b) => [b.taskId, b.chunk, minutesOf(b)])).toEqual([
      ['a', 3, 60],
      ['b', 2, 60],
      ['c', 2, 60],
    ]);
  });

  it('never gives a new block the id an invalid block carries', () => {
    // Its chunk number is unusable, but its id is the one chunk 2 would get.
    const odd = {
      ...block({ taskId: 'a', chunk: 2, start: '2026-04-08T07:00:00Z', end: '2026-04-08T08:00:00Z' }),
      chunk: 1.5,
    };
    const result = plan({ tasks: [task({ id: 'a', estimateMinutes: 240 })], blocks: [odd] });
    expect(result.ignored.map((i) => i.problem)).toEqual([]);
    expect(result.delete.map((d) => [d.block.id, d.problem])).toEqual([
      [blockEventId('koala-co', 'a', 2), 'bad-chunk'],
    ]);
    expect(result.create.map((b) => b.chunk)).toEqual([1, 3]);
  });

  it('changes nothing when its result is planned again, invalid blocks left alone included', () => {
    const input = planInput({
      tasks: [task({ id: 'a', estimateMinutes: 150 })],
      blocks: [
        block({
          taskId: 'a',
          chunk: 1,
          start: '2026-04-06T09:00:00Z',
          end: '2026-04-06T09:00:00Z',
          movedByVa: true,
        }),
        block({ taskId: 'a', chunk: 2, start: '2026-04-06T11:00:00Z', end: '2026-04-06T10:00:00Z' }),
      ],
    });
    const first = planSchedule(input);
    expect(first.ignored).toHaveLength(1);
    expect(first.delete.map((d) => d.reason)).toEqual(['invalid-block']);
    const again = planSchedule({ ...input, blocks: finalBlocks(first) });
    expect([...again.create, ...again.move, ...again.delete]).toEqual([]);
    expect(again.ignored.map((i) => i.block)).toEqual(first.ignored.map((i) => i.block));
  });

  it('still refuses malformed tasks and settings, and names no block among the issues', () => {
    const input = planInput({
      settings: { ...planInput().settings, horizonDays: 0 },
      tasks: [task({ id: 'a', estimateMinutes: Number.NaN })],
      blocks: [block({ taskId: 'a', chunk: 1, start: 'never', end: '2026-04-06T09:00:00Z' })],
    });
    let error: unknown;
    try {
      planSchedule(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanInputError);
    expect((error as PlanInputError).issues).toEqual([
      'settings.horizonDays: expected a whole number of days ≥ 1',
      'tasks[0].estimateMinutes: expected minutes or null',
    ]);
  });
});
