import type { Batching } from '../config/planner-schema.js';
import type { BusyInterval, CalendarBlock, Task } from '../domain/types.js';
import {
  type Interval,
  isValidTimeZone,
  localDateOf,
  Temporal,
  WEEKDAYS,
  type WeeklyHours,
  workingWindows,
} from '../time/zoned.js';
import type { ChunkLimits } from './chunking.js';
import type { RoundShare } from './context.js';
import { openTime } from './free-time.js';
import { type InvalidBlock, type PBlock, readBlocks } from './input-blocks.js';
import {
  checkSettings,
  compareRank,
  DueResolver,
  needOf,
  preferencesOf,
  readInstant,
  sortKey,
  TIER_ORDER,
} from './input-rules.js';
import { instantMs, MINUTE } from './instants.js';
import { alignUp, mergeIntervals, unionOf } from './intervals.js';
import { endOfDay, startOfDay } from './local-days.js';
import type { PlanClient, PlanInput } from './types.js';

export type { PBlock } from './input-blocks.js';
export { compareText, instantMs, isoOf, MINUTE } from './instants.js';

const DAY = 24 * 60 * MINUTE;

/** A busy interval as given, with its instants read. */
export interface RawBusy {
  start: number;
  end: number;
  busy: BusyInterval;
}
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

/**
 * `unmeetable`: its deadline is before anything can be placed; `deadline`: it has one still ahead;
 * `protected`: important work without a deadline, planned as if due at `target`; `open-ended`: the rest.
 */
export type Tier = 'unmeetable' | 'deadline' | 'protected' | 'open-ended';

/** A task with every instant resolved to epoch ms. */
export interface PTask {
  task: Task;
  client: PlanClient | null;
  /**
   * Time still needed, in ms of whole minutes, not yet rounded to chunk bounds; null: no estimate.
   * The estimate less `tracked` when that is known, else less `worked`.
   */
  need: number | null;
  /** What was taken off the estimate: the task's block time before `now` (0 when not used). */
  worked: number;
  /** Tracked time taken off the estimate, in ms; null when not known. */
  tracked: number | null;
  /** Infinity when there is none. */
  deadline: number;
  /**
   * The deadline the planning order and the overload policy use: the deadline, or for protected
   * work the end of the day `importantWithinDays` ahead; Infinity when there is neither.
   */
  target: number;
  /** Urgent and important 3, urgent 2, important 1, neither 0: the order among equal targets. */
  priority: number;
  /** How much each late minute of it counts when choosing which work is late: 1 + `priority`. */
  weight: number;
  /** -Infinity when there is none. */
  release: number;
  tier: Tier;
  /** Tier, target and priority as one number: the planning order up to client and id. */
  order: number;
  /** Position in the planning order: tier, earliest target, higher priority, client, id. */
  rank: number;
}

/** The planner settings of `plannerSettingsShape`, with their defaults applied. */
export interface Preferences {
  batching: Batching;
  /** Ms kept free between focus blocks of different clients. */
  clientBreak: number;
  /** Days ahead important work without a deadline is planned for; 0: not protected. */
  importantWithinDays: number;
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
  prefs: Preferences;
  /** Whether to write the explanation trail (a check round does without). */
  explain: boolean;
  /** Text already written for the trail, by zone, then instant (or due date): many tasks share one. */
  formatted: Map<string, Map<number | string, string>>;
  /** Deadlines as the trail writes them, by zone, then due date (or minus the instant). */
  dueTexts: Map<string, Map<number | string, string>>;
  /** Working windows from `now` to a day past the horizon, merged. */
  windows: Interval[];
  /** Busy time widened by the buffer on both sides, merged. */
  busy: Interval[];
  /**
   * Working time less busy time, on the 5-minute grid, from the earliest start to the horizon:
   * made on first use and shared by every round of a plan (the blocks do not enter it).
   */
  open: () => Interval[];
  /** Block titles by task id, written once per plan. */
  titles: Map<string, string>;
  /** The busy intervals as given (read), sorted by start: what explanations name. Sorted on first use. */
  rawBusy: () => RawBusy[];
  /** ISO text of instants already written, by ms (many tasks share a deadline). */
  isoCache: Map<number, string>;
  /** In input order. */
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
  /** Per task: ms of its usable blocks before `now` (what was taken off estimates). */
  pastTime: Map<string, number>;
  /** The configured clients' ids. */
  clientIds: Set<string>;
  /**
   * What the rounds of one plan share (`withBlocks` keeps it): from the last round's context, the free
   * time and overload policy the next round takes over where they still apply.
   */
  rounds: { last: RoundShare | null };
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
  // Typed arrays, and a path only for an error: a plan reads tens of thousands of instants.
  const busyStart = new Float64Array(input.busy.length);
  const busyEnd = new Float64Array(input.busy.length);
  input.busy.forEach((b, i) => {
    busyStart[i] = readInstant(b.start, issues, i, 'start');
    busyEnd[i] = readInstant(b.end, issues, i, 'end');
    if ((busyEnd[i] as number) < (busyStart[i] as number)) issues.push(`busy[${i}]: ends before it starts`);
  });
  const seenTasks = new Set<string>();
  for (let i = 0; i < input.tasks.length; i++) {
    const t = input.tasks[i] as Task;
    if (seenTasks.has(t.id)) issues.push(`tasks[${i}].id: "${t.id}" appears twice`);
    seenTasks.add(t.id);
    if (t.estimateMinutes !== null && !Number.isFinite(t.estimateMinutes))
      issues.push(`tasks[${i}].estimateMinutes: expected minutes or null`);
    if (t.trackedMinutes !== null && !(Number.isFinite(t.trackedMinutes) && t.trackedMinutes >= 0))
      issues.push(`tasks[${i}].trackedMinutes: expected minutes ≥ 0 or null (null: not known)`);
    const pr = t.priority as Task['priority'] | null | undefined;
    if (typeof pr?.urgent !== 'boolean' || typeof pr.important !== 'boolean')
      issues.push(`tasks[${i}].priority: expected { urgent: boolean, important: boolean }`);
  }
  if (issues.length > 0) throw new PlanInputError(issues);

  const clientIds = new Set(clients.keys());
  const blocks = readBlocks({ blocks: input.blocks, now, clientIds });
  const s = input.settings;
  const vaZone = input.va.timezone;
  const earliest = alignUp(now + s.earliestStartMinutes * MINUTE, ALIGN);
  const today = Temporal.PlainDate.from(localDateOf(now, vaZone));
  const horizonEnd = startOfDay(today.add({ days: s.horizonDays }).toString(), vaZone);
  const resolver = new DueResolver(issues);
  const prefs = preferencesOf(s);
  const protectUntil =
    prefs.importantWithinDays > 0
      ? endOfDay(today.add({ days: prefs.importantWithinDays }).toString(), vaZone)
      : Number.POSITIVE_INFINITY;
  const tasks = input.tasks.map((task, i): PTask => {
    const client = clients.get(task.clientId) ?? null;
    const zone = client?.timezone ?? vaZone;
    const deadline = resolver.resolve(task.due, zone, 'end', task.id) ?? Number.POSITIVE_INFINITY;
    const release = resolver.resolve(task.startOn, zone, 'start', task.id) ?? Number.NEGATIVE_INFINITY;
    const { need, worked, tracked } = needOf(task, blocks.pastTime.get(task.id) ?? 0);
    const tier: Tier = Number.isFinite(deadline)
      ? deadline <= earliest
        ? 'unmeetable'
        : 'deadline'
      : task.priority.important && Number.isFinite(protectUntil)
        ? 'protected'
        : 'open-ended';
    const priority = (task.priority.urgent ? 2 : 0) + (task.priority.important ? 1 : 0);
    const target =
      tier === 'protected' ? Math.max(protectUntil, release + prefs.importantWithinDays * DAY) : deadline;
    return {
      task,
      client,
      need,
      worked,
      tracked,
      deadline,
      target,
      release,
      tier,
      order: sortKey(TIER_ORDER[tier], target, priority),
      priority,
      weight: 1 + priority,
      rank: i,
    };
  });
  if (issues.length > 0) throw new PlanInputError(issues);
  const taskById = new Map<string, PTask>();
  for (const t of tasks) taskById.set(t.task.id, t);
  const ranked = [...tasks].sort(compareRank);
  ranked.forEach((t, i) => {
    t.rank = i;
  });
  const buffer = s.bufferMinutes * MINUTE;
  const windows = mergeIntervals(workingWindows(input.va.workingHours, vaZone, now, horizonEnd + DAY));
  const busy = unionOf(shifted(busyStart, -buffer), shifted(busyEnd, buffer));
  return {
    now,
    earliest,
    horizonEnd,
    limits: { min: s.minBlockMinutes * MINUTE, max: s.maxBlockMinutes * MINUTE },
    buffer,
    vaZone,
    hours: input.va.workingHours,
    titleTemplate: s.titleTemplate ?? '[{client}] {task}',
    prefs,
    explain: opts.explain,
    formatted: new Map(),
    dueTexts: new Map(),
    windows,
    busy,
    // Working time less busy time is put on the 5-minute grid; blocks come off it exactly. Free
    // time is then a function of the blocks alone: a block given back rejoins its neighbours
    // exactly, and planning the result again starts from the very free time a pass ends with.
    open: lazy(() => openTime({ windows, from: earliest, to: horizonEnd, taken: busy, step: ALIGN })),
    titles: new Map(),
    rawBusy: lazy(() =>
      input.busy
        .map((busy, i) => ({ start: busyStart[i] as number, end: busyEnd[i] as number, busy }))
        .sort((a, b) => a.start - b.start || a.end - b.end),
    ),
    isoCache: new Map(),
    tasks,
    ranked,
    taskById,
    blocks: blocks.valid,
    invalid: blocks.invalid,
    lastChunk: blocks.lastChunk,
    inputIds: new Set(input.blocks.map((b) => b.id)),
    pastTime: blocks.pastTime,
    clientIds,
    rounds: { last: null },
  };
}

/** A copy of `values` with `by` added to each (a loop: `map` with a callback costs a call each). */
function shifted(values: Float64Array, by: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) + by;
  return out;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/**
 * `p` with other blocks on the calendar: the tasks, busy time and windows are read once. Null when
 * the blocks before `now` differ (needs would change): then the input must be prepared again.
 */
export function withBlocks(p: Prepared, list: readonly CalendarBlock[]): Prepared | null {
  const blocks = readBlocks({ blocks: list, now: p.now, clientIds: p.clientIds });
  if (blocks.pastTime.size !== p.pastTime.size) return null;
  for (const [id, ms] of blocks.pastTime) if (p.pastTime.get(id) !== ms) return null;
  return {
    ...p,
    explain: false,
    blocks: blocks.valid,
    invalid: blocks.invalid,
    lastChunk: blocks.lastChunk,
    inputIds: new Set(list.map((b) => b.id)),
    pastTime: blocks.pastTime,
  };
}
