import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Task } from '../domain/types.js';
import { startOfLocalDate } from '../time/zoned.js';
import { planSchedule } from './plan.js';
import { arbGridInput, arbPlanInput } from './test-arbitraries.js';
import {
  accountingViolations,
  covers,
  deadlineOf,
  finalBlocks,
  ms,
  violations,
  workingSpans,
} from './test-fixtures.js';
import type { PlanInput, PlanResult } from './types.js';

const MIN = 60_000;

const zoneOf = (input: PlanInput, t: Task) =>
  input.clients.find((c) => c.id === t.clientId)?.timezone ?? input.va.timezone;

/** Tasks with a deadline still ahead that the plan reports late. */
const lateCount = (r: PlanResult) => r.shortfalls.filter((s) => s.late !== undefined).length;

/** Blocks the plan places, moves or keeps as still valid that run across their task's deadline. */
function crossings(input: PlanInput, result: PlanResult): string[] {
  const earliest = ms(result.window.earliest);
  const placed = [
    ...result.create.map((b) => ({ b, kept: false })),
    ...result.move.map((b) => ({ b, kept: false })),
    ...result.keep.filter((k) => k.keptBecause === 'still-valid').map((b) => ({ b, kept: true })),
  ];
  const out: string[] = [];
  for (const { b, kept } of placed) {
    const t = input.tasks.find((x) => x.id === b.taskId);
    if (!t) continue;
    const due = deadlineOf(t, zoneOf(input, t));
    // A kept block of work already overdue at the earliest start is left as it is.
    if (kept && due <= earliest) continue;
    if (ms(b.start) < due && due < ms(b.end))
      out.push(`${b.id} ${b.start}–${b.end} crosses ${t.id}'s deadline`);
    if (due < ms(b.end) !== (b.late === true)) out.push(`${b.id} late mark ${b.late} but ends ${b.end}`);
  }
  return out;
}

const arbBatching = fc.record({
  batching: fc.constantFrom('off' as const, 'adjacent' as const, 'client-days' as const),
  clientBreakMinutes: fc.constantFrom(0, 5, 10, 30),
});

describe('new rules over generated calendars', () => {
  it('never places or keeps a block across its task’s deadline, and marks every late part', () => {
    fc.assert(
      fc.property(arbPlanInput({ blocks: true }), (input) => {
        expect(crossings(input, planSchedule(input))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('never leaves more tasks late with batching and breaks than without, and keeps every invariant', () => {
    fc.assert(
      fc.property(arbPlanInput({ blocks: false, maxTasks: 9 }), arbBatching, (input, prefs) => {
        const batched = { ...input, settings: { ...input.settings, ...prefs } };
        const result = planSchedule(batched);
        expect(violations(batched, result)).toEqual([]);
        expect(accountingViolations(batched, result, true)).toEqual([]);
        expect(crossings(batched, result)).toEqual([]);
        expect(lateCount(result)).toBeLessThanOrEqual(lateCount(planSchedule(input)));
      }),
      { numRuns: 400 },
    );
  });

  it('changes nothing when a batched plan is planned again', () => {
    fc.assert(
      fc.property(arbPlanInput({ blocks: true }), arbBatching, (input, prefs) => {
        const batched = { ...input, settings: { ...input.settings, ...prefs } };
        const first = planSchedule(batched);
        const again = planSchedule({ ...batched, blocks: finalBlocks(first) });
        expect([...again.create, ...again.move, ...again.delete]).toEqual([]);
        expect(again.shortfalls).toEqual(first.shortfalls);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a priority cost a deadline it could keep', () => {
    const cleared = (input: PlanInput): PlanInput => ({
      ...input,
      tasks: input.tasks.map((t) => ({ ...t, priority: { urgent: false, important: false } })),
    });
    fc.assert(
      fc.property(arbGridInput({ releases: true, maxTasks: 5 }), (input) => {
        expect(lateCount(planSchedule(input))).toBeLessThanOrEqual(lateCount(planSchedule(cleared(input))));
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * Earliest deadline first with preemption, cell by cell on a grid input (the oracle's cells): tasks
 * by deadline, each taking the earliest free cells from its start date. The number it leaves late.
 */
function edfLate(input: PlanInput): number {
  const grid = input.settings.minBlockMinutes * MIN;
  const buffer = input.settings.bufferMinutes * MIN;
  const zone = input.va.timezone;
  const earliest = ms(input.now) + input.settings.earliestStartMinutes * MIN;
  const horizonEnd = ms(planSchedule({ ...input, tasks: [] }).window.horizonEnd);
  const working = workingSpans(input.va.workingHours, zone, earliest, horizonEnd);
  const busy = input.busy.map((b) => [ms(b.start) - buffer, ms(b.end) + buffer] as const);
  const free: number[] = [];
  for (let at = earliest; at + grid <= horizonEnd; at += grid) {
    if (busy.every(([s, e]) => at + grid <= s || e <= at) && covers(working, at, at + grid)) free.push(at);
  }
  const tasks = input.tasks
    .map((t) => ({
      id: t.id,
      units: (t.estimateMinutes ?? 0) / input.settings.minBlockMinutes,
      deadline: deadlineOf(t, zoneOf(input, t)),
      release:
        t.startOn === null
          ? Number.NEGATIVE_INFINITY
          : t.startOn.kind === 'instant'
            ? ms(t.startOn.at)
            : startOfLocalDate(t.startOn.date, zoneOf(input, t)),
    }))
    .sort((a, b) => a.deadline - b.deadline || (a.id < b.id ? -1 : 1));
  let late = 0;
  for (const t of tasks) {
    let left = t.units;
    let onTime = 0;
    for (let i = 0; i < free.length && left > 0; i++) {
      const at = free[i] as number;
      if (at < t.release) continue;
      free.splice(i--, 1);
      left--;
      if (at + grid <= t.deadline) onTime++;
    }
    if (Number.isFinite(t.deadline) && onTime < t.units) late++;
  }
  return late;
}

describe('never worse than earliest deadline first', () => {
  it('leaves no more tasks late than EDF with preemption on the same free time (grid inputs)', () => {
    fc.assert(
      fc.property(arbGridInput({ releases: true, maxTasks: 6 }), (input) => {
        const result = planSchedule(input);
        expect(result.shortfalls.filter((s) => s.deadline !== null).length).toBeLessThanOrEqual(
          edfLate(input),
        );
      }),
      { numRuns: 500 },
    );
  });
});
