import type { Task, TaskDue } from '../domain/types.js';
import {
  endOfLocalDate,
  type Interval,
  isValidTimeZone,
  localDateOf,
  startOfLocalDate,
  Temporal,
  WEEKDAYS,
  type WeeklyHours,
  workingWindows,
} from '../time/zoned.js';
import type { ChunkLimits } from './chunking.js';
import { type InvalidBlock, type PBlock, readBlocks } from './input-blocks.js';
import { compareText, instantMs, MINUTE } from './instants.js';
import { alignUp, mergeIntervals } from './intervals.js';
import type { PlanClient, PlanInput } from './types.js';

export type { PBlock } from './input-blocks.js';
export { compareText, instantMs, isoOf, MINUTE } from './instants.js';

const DAY = 24 * 60 * MINUTE;
/** New chunks start on a 5-minute mark (every zone in use today is offset by a multiple of 5 minutes). */
export const ALIGN = 5 * MINUTE;

/** The input is malformed; nothing was planned. `issues` names each bad field. */
export class PlanInputError extends Error {
  constructor(readonly issues: string[]) {
    super(
      `invalid plan input: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`,
    );
    this.name = 'PlanInputError';
  }
}

export type Tier = 'unmeetable' | 'deadline' | 'open-ended';

/** A task with every instant resolved to epoch ms. */
export interface PTask {
  task: Task;
  client: PlanClient | null;
  /**
   * Time still needed, in ms of whole minutes, not yet rounded to chunk bounds; null: no estimate.
   * `remainingMinutes` when known (it reflects tracked time); else the estimate less `worked`.
   */
  need: number | null;
  /** What was taken off the estimate: the task's block time before `now` (0 when not used). */
  worked: number;
  /** Infinity when there is none. */
  deadline: number;
  /** -Infinity when there is none. */
  release: number;
  tier: Tier;
  /** Position in the planning order: tier, earliest deadline, higher priority, client, id. */
  rank: number;
}

export interface Prepared {
  now: number;
  earliest: number;
  horizonEnd: number;
  limits: ChunkLimits;
  buffer: number;
  vaZone: string;
  hours: WeeklyHours;
  titleTemplate: string;
  /** Whether to write the explanation trail (a check round does without). */
  explain: boolean;
  /** Local times already formatted for the trail, by zone and instant. */
  formatted: Map<string, string>;
  /** Working windows from `now` to a day past the horizon, merged. */
  windows: Interval[];
  /** Busy time widened by the buffer on both sides, merged. */
  busy: Interval[];
  /** Sorted by id. */
  tasks: PTask[];
  /** In planning order. */
  ranked: PTask[];
  taskById: Map<string, PTask>;
  /** The usable input blocks, sorted by start, then id. */
  blocks: PBlock[];
  /** Input blocks that cannot be planned with: deleted or left alone, never a reason to stop. */
  invalid: InvalidBlock[];
  /** Per task: the highest chunk number of any input block, past or invalid ones included. */
  lastChunk: Map<string, number>;
  /** The id of every input block: a new block never takes one. */
  inputIds: Set<string>;
}

export function prepare(input: PlanInput, opts: { explain: boolean } = { explain: true }): Prepared {
  const issues: string[] = [];
  const instant = (text: string, path: string): number => {
    try {
      return instantMs(text);
    } catch {
      issues.push(
        `${path}: expected an ISO instant such as "2026-04-07T09:00:00Z", got ${JSON.stringify(text)}`,
      );
      return Number.NaN;
    }
  };
  checkSettings(input, issues);
  if (!isValidTimeZone(input.va.timezone))
    issues.push(`va.timezone: unknown time zone "${input.va.timezone}"`);
  for (const day of WEEKDAYS) {
    if (!Array.isArray(input.va.workingHours[day])) issues.push(`va.workingHours.${day}: missing`);
  }
  const clients = new Map<string, PlanClient>();
  for (const [i, c] of input.clients.entries()) {
    if (!isValidTimeZone(c.timezone))
      issues.push(`clients[${i}].timezone: unknown time zone "${c.timezone}"`);
    clients.set(c.id, c);
  }
  const now = instant(input.now, 'now');
  const busy = input.busy.map((b, i) => ({
    start: instant(b.start, `busy[${i}].start`),
    end: instant(b.end, `busy[${i}].end`),
    i,
  }));
  for (const b of busy) if (b.end < b.start) issues.push(`busy[${b.i}]: ends before it starts`);
  const seenTasks = new Set<string>();
  for (const [i, t] of input.tasks.entries()) {
    if (seenTasks.has(t.id)) issues.push(`tasks[${i}].id: "${t.id}" appears twice`);
    seenTasks.add(t.id);
    for (const field of ['estimateMinutes', 'remainingMinutes'] as const) {
      const v = t[field];
      if (v !== null && !Number.isFinite(v)) issues.push(`tasks[${i}].${field}: expected minutes or null`);
    }
  }
  if (issues.length > 0) throw new PlanInputError(issues);

  const blocks = readBlocks({ blocks: input.blocks, now, clientIds: new Set(clients.keys()) });
  const s = input.settings;
  const vaZone = input.va.timezone;
  const earliest = alignUp(now + s.earliestStartMinutes * MINUTE, ALIGN);
  const today = Temporal.PlainDate.from(localDateOf(now, vaZone));
  const horizonEnd = startOfLocalDate(today.add({ days: s.horizonDays }).toString(), vaZone);
  const resolver = new DueResolver(issues);
  const tasks = [...input.tasks]
    .sort((a, b) => compareText(a.id, b.id))
    .map((task, i) => {
      const client = clients.get(task.clientId) ?? null;
      const zone = client?.timezone ?? vaZone;
      const deadline =
        resolver.resolve(task.due, zone, 'end', `task ${task.id} due`) ?? Number.POSITIVE_INFINITY;
      const release =
        resolver.resolve(task.startOn, zone, 'start', `task ${task.id} startOn`) ?? Number.NEGATIVE_INFINITY;
      const { need, worked } = needOf(task, blocks.pastTime.get(task.id) ?? 0);
      const tier: Tier = !Number.isFinite(deadline)
        ? 'open-ended'
        : deadline <= earliest
          ? 'unmeetable'
          : 'deadline';
      return { task, client, need, worked, deadline, release, tier, rank: i };
    });
  if (issues.length > 0) throw new PlanInputError(issues);
  const ranked = [...tasks].sort(compareRank);
  ranked.forEach((t, i) => {
    t.rank = i;
  });
  const buffer = s.bufferMinutes * MINUTE;
  return {
    now,
    earliest,
    horizonEnd,
    limits: { min: s.minBlockMinutes * MINUTE, max: s.maxBlockMinutes * MINUTE },
    buffer,
    vaZone,
    hours: input.va.workingHours,
    titleTemplate: s.titleTemplate ?? '[{client}] {task}',
    explain: opts.explain,
    formatted: new Map(),
    windows: mergeIntervals(workingWindows(input.va.workingHours, vaZone, now, horizonEnd + DAY)),
    busy: mergeIntervals(busy.map((b) => ({ start: b.start - buffer, end: b.end + buffer }))),
    tasks,
    ranked,
    taskById: new Map(tasks.map((t) => [t.task.id, t])),
    blocks: blocks.valid,
    invalid: blocks.invalid,
    lastChunk: blocks.lastChunk,
    inputIds: new Set(input.blocks.map((b) => b.id)),
  };
}

/**
 * Known remaining time wins: it already reflects tracked time. Without it, the estimate less the
 * task's block time before now (past blocks, and the elapsed part of a running one), floored at 0:
 * a task worked over three days does not get its whole estimate booked again every morning. The
 * result is rounded down to whole minutes (the past counted by started minutes), so a block
 * running at an odd second does not ask for another block for the seconds its rest lacks.
 */
function needOf(task: Task, past: number): { need: number | null; worked: number } {
  if (task.remainingMinutes !== null) {
    return { need: Math.max(0, Math.ceil(task.remainingMinutes)) * MINUTE, worked: 0 };
  }
  if (task.estimateMinutes === null) return { need: null, worked: 0 };
  const estimate = Math.ceil(task.estimateMinutes) * MINUTE;
  return { need: Math.max(0, Math.floor((estimate - past) / MINUTE)) * MINUTE, worked: past };
}

function checkSettings(input: PlanInput, issues: string[]): void {
  const s = input.settings;
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(s.minBlockMinutes, 1))
    issues.push('settings.minBlockMinutes: expected a whole number of minutes ≥ 1');
  if (!whole(s.maxBlockMinutes, 1) || s.maxBlockMinutes < s.minBlockMinutes) {
    issues.push('settings.maxBlockMinutes: expected whole minutes, not below minBlockMinutes');
  }
  if (!whole(s.bufferMinutes, 0)) issues.push('settings.bufferMinutes: expected whole minutes ≥ 0');
  if (!whole(s.horizonDays, 1)) issues.push('settings.horizonDays: expected a whole number of days ≥ 1');
  if (!whole(s.earliestStartMinutes, 0))
    issues.push('settings.earliestStartMinutes: expected whole minutes ≥ 0');
}

/** Resolves due and start dates, once per (date, zone): many tasks share a date. */
class DueResolver {
  private readonly cache = new Map<string, number>();
  constructor(private readonly issues: string[]) {}

  resolve(due: TaskDue | null, zone: string, edge: 'start' | 'end', path: string): number | null {
    if (due === null) return null;
    const key = due.kind === 'date' ? `${edge}|${due.date}|${zone}` : `@${due.at}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let value: number;
    try {
      if (due.kind === 'instant') value = instantMs(due.at);
      else value = edge === 'end' ? endOfLocalDate(due.date, zone) : startOfLocalDate(due.date, zone);
    } catch {
      this.issues.push(`${path}: not a valid ${due.kind} (${JSON.stringify(due)})`);
      return null;
    }
    this.cache.set(key, value);
    return value;
  }
}

const TIER_ORDER: Record<Tier, number> = { unmeetable: 0, deadline: 1, 'open-ended': 2 };

function compareRank(a: PTask, b: PTask): number {
  return (
    TIER_ORDER[a.tier] - TIER_ORDER[b.tier] ||
    (a.deadline === b.deadline ? 0 : a.deadline < b.deadline ? -1 : 1) ||
    b.task.priority - a.task.priority ||
    compareText(a.task.clientId, b.task.clientId) ||
    compareText(a.task.id, b.task.id)
  );
}
