import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Task } from '../domain/types.js';
import { localDateOf, startOfLocalDate, Temporal } from '../time/zoned.js';
import { planSchedule } from './plan.js';
import { arbGridInput } from './test-arbitraries.js';
import { covers, deadlineOf, finalBlocks, ms, violations, workingSpans } from './test-fixtures.js';
import type { PlanInput } from './types.js';

const MIN = 60_000;

function releaseOf(t: Task, zone: string): number {
  if (t.startOn === null) return Number.NEGATIVE_INFINITY;
  return t.startOn.kind === 'instant' ? ms(t.startOn.at) : startOfLocalDate(t.startOn.date, zone);
}

/**
 * Brute force: can every task in `tasks` get its minutes before its deadline? Cuts the horizon into
 * grid cells, keeps the free ones, then explores every way of handing cells to tasks (memoised on
 * what each task still needs). Exact on grid inputs, where a schedule at minute resolution can be
 * turned into one on whole cells and back.
 */
function feasible(input: PlanInput, tasks: Task[]): boolean {
  const grid = input.settings.minBlockMinutes * MIN;
  const buffer = input.settings.bufferMinutes * MIN;
  const zone = input.va.timezone;
  const now = ms(input.now);
  const earliest = now + input.settings.earliestStartMinutes * MIN;
  const horizonEnd = Temporal.PlainDate.from(localDateOf(now, zone))
    .add({ days: input.settings.horizonDays })
    .toZonedDateTime({ timeZone: zone }).epochMilliseconds;
  const zoneOf = new Map(input.clients.map((c) => [c.id, c.timezone]));
  const spec = tasks.map((t) => ({
    units: (t.estimateMinutes ?? 0) / input.settings.minBlockMinutes,
    release: releaseOf(t, zoneOf.get(t.clientId) as string),
    deadline: deadlineOf(t, zoneOf.get(t.clientId) as string),
  }));
  const working = workingSpans(input.va.workingHours, zone, earliest, horizonEnd);
  const busy = input.busy.map((b) => [ms(b.start) - buffer, ms(b.end) + buffer] as const);
  const cells: number[] = [];
  for (let at = earliest; at + grid <= horizonEnd; at += grid) {
    const clear = busy.every(([s, e]) => at + grid <= s || e <= at);
    if (clear && covers(working, at, at + grid)) cells.push(at);
  }
  // A state is the tuple of units still needed, encoded in mixed radix.
  const weights: number[] = [];
  let size = 1;
  for (const s of spec) {
    weights.push(size);
    size *= s.units + 1;
  }
  let reachable = new Set<number>([spec.reduce((code, s, i) => code + s.units * (weights[i] as number), 0)]);
  for (const at of cells) {
    const next = new Set<number>(reachable);
    for (const code of reachable) {
      spec.forEach((s, i) => {
        const w = weights[i] as number;
        const left = Math.floor(code / w) % (s.units + 1);
        if (left > 0 && at >= s.release && at + grid <= s.deadline) next.add(code - w);
      });
    }
    reachable = next;
  }
  return reachable.has(0);
}

/** Tasks whose deadline falls before anything can be placed. */
function overdue(input: PlanInput): Task[] {
  const zoneOf = new Map(input.clients.map((c) => [c.id, c.timezone]));
  const earliest = ms(input.now) + input.settings.earliestStartMinutes * MIN;
  return input.tasks.filter((t) => deadlineOf(t, zoneOf.get(t.clientId) as string) <= earliest);
}

function check(input: PlanInput): void {
  const result = planSchedule(input);
  expect(violations(input, result)).toEqual([]);
  const gone = overdue(input);
  const withDeadline = input.tasks.filter((t) => t.due !== null && !gone.includes(t));
  const late = result.shortfalls.filter((s) => withDeadline.some((t) => t.id === s.taskId));
  if (feasible(input, withDeadline)) {
    expect(late).toEqual([]);
  } else {
    // The engine's own placement would be a witness: it cannot claim success where none exists.
    expect(late.length).toBeGreaterThan(0);
  }
}

describe('deadline-first feasibility against a brute-force oracle (small grid cases)', () => {
  it('reports no task late when some placement meets every deadline, overdue work or not', () => {
    fc.assert(fc.property(arbGridInput({ releases: true, maxTasks: 4 }), check), { numRuns: 700 });
  });

  it('does so without start dates too, where overdue work competes for the same time', () => {
    fc.assert(fc.property(arbGridInput({ releases: false, maxTasks: 4 }), check), { numRuns: 500 });
  });

  it('meets every deadline that can be met when a new task lands on a planned calendar', () => {
    const landing = (releases: boolean) => arbGridInput({ releases, maxTasks: 4 });
    const replan = (input: PlanInput) => {
      const [, ...rest] = input.tasks;
      const before = planSchedule({ ...input, tasks: rest });
      check({ ...input, blocks: finalBlocks(before) });
    };
    fc.assert(fc.property(landing(false), replan), { numRuns: 300 });
    fc.assert(fc.property(landing(true), replan), { numRuns: 300 });
  });
});
