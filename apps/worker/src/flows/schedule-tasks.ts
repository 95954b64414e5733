import {
  type CalendarBlock,
  type CalendarPort,
  type ClientConfig,
  formatInstant,
  type IsoInstant,
  type PlanResult,
  parseInstant,
  planSchedule,
  type Task,
  type TaskSource,
  type TimeSource,
  type VahubConfig,
} from '@vahub/core';
import { eachInFlight } from './in-flight.js';
import { endsBy } from './schedule-problems.js';
import { type ScheduleSummary, summarise } from './schedule-summary.js';
import { tasksOfBlocks } from './tasks-of-blocks.js';
import { withTrackedMinutes } from './tracked-time.js';

const DAY_MS = 86_400_000;

/**
 * How far back vahub's blocks are read. The planner never changes a block that has started, but it
 * must see a task's past blocks: they hold the chunk numbers (and so the event ids) already used,
 * and the time already booked for the task, which counts against its estimate. A block older than
 * this is forgotten: its time is booked again and its event id may be reused (see the README). A
 * year keeps that to tasks open for over a year, at the cost of about one more page of events
 * (2,500) per year of blocks read on each run.
 */
export const SCHEDULE_LOOKBACK_DAYS = 365;

/** How many calendar writes a run has in flight at once (see `writesInFlight`). */
export const CALENDAR_WRITES_IN_FLIGHT = 4;

export interface ScheduleTasksInput {
  /** The VA, the calendar settings and the clients whose tasks are planned. */
  config: Pick<VahubConfig, 'va' | 'calendar' | 'clients'>;
  tasks: TaskSource;
  calendar: CalendarPort;
  /**
   * Where tracked time comes from. When given and it matches a client's time to tasks, each task's
   * `trackedMinutes` is what was tracked on it since the lookback, so the planner books the estimate
   * less it (and a past block with no time tracked is booked again). Without it (or for clients it does
   * not match) tracked time is unknown and past blocks count as done.
   */
  time?: TimeSource;
  /** The instant the plan is made for. @defaultValue the current time */
  now?: IsoInstant;
  /**
   * Days before `now` from which vahub's blocks are read and handed to the planner (as history it
   * never changes); `Infinity` reads them all, as the planner's contract would have it.
   * @defaultValue {@link SCHEDULE_LOOKBACK_DAYS} (365)
   */
  lookbackDays?: number;
  /**
   * Calendar writes (inserts, moves, deletions) sent at once. Google allows 600 requests a minute
   * per user and warns of "operational limits" on writing one calendar in quick succession, so a
   * few at a time, not a flood. @defaultValue {@link CALENDAR_WRITES_IN_FLIGHT} (4)
   */
  writesInFlight?: number;
}

/**
 * Tasks into focus blocks: read every configured client's open tasks and the VA's calendar, plan,
 * and make the calendar match the plan. Idempotent: the planner keeps every block that is still
 * valid, so a second run with nothing changed writes nothing. A block that has ended is never
 * written or deleted.
 */
export async function scheduleTasks(input: ScheduleTasksInput): Promise<ScheduleSummary> {
  const { config, calendar } = input;
  const lookbackDays = input.lookbackDays ?? SCHEDULE_LOOKBACK_DAYS;
  if (!(Number.isInteger(lookbackDays) && lookbackDays >= 0) && lookbackDays !== Number.POSITIVE_INFINITY) {
    throw new RangeError(`lookbackDays must be a whole number of days >= 0 or Infinity, got ${lookbackDays}`);
  }
  const writesInFlight = input.writesInFlight ?? CALENDAR_WRITES_IN_FLIGHT;
  if (!(Number.isInteger(writesInFlight) && writesInFlight >= 1)) {
    throw new RangeError(`writesInFlight must be a whole number >= 1, got ${writesInFlight}`);
  }
  const now = formatInstant(input.now === undefined ? Date.now() : parseInstant(input.now));
  const nowMs = parseInstant(now);
  // The planner looks one day past its horizon (working windows run to the end of the last day, in
  // the VA's zone); two days covers that in any zone.
  const end = formatInstant(nowMs + (config.calendar.horizonDays + 2) * DAY_MS);
  const since = formatInstant(Math.max(0, nowMs - lookbackDays * DAY_MS));
  const [open, busy, blocks] = await Promise.all([
    openTasks(input.tasks, config.clients),
    calendar.busy({ start: now, end }),
    calendar.listBlocks({ start: since, end }),
  ]);
  const read = await tasksOfBlocks({ source: input.tasks, open, blocks, now: nowMs });
  const { problems } = read;
  const tasks = input.time
    ? await withTrackedMinutes(input.time, read.tasks, { start: since, end: now })
    : read.tasks;
  // A task that cannot be read is not planned; its blocks go in pinned (the planner never touches a
  // block the VA moved), so they are neither deleted as "task missing" nor planned over.
  const pinned = new Set(problems.flatMap((p) => p.blockIds));
  const plan = planSchedule({
    now,
    va: { timezone: config.va.timezone, workingHours: config.va.workingHours },
    settings: config.calendar,
    clients: config.clients,
    tasks,
    // The port's busy time already leaves vahub's blocks out (and keeps meetings under them).
    busy,
    blocks: blocks.map((b) => (pinned.has(b.id) ? { ...b, movedByVa: true } : b)),
  });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  // Never written, whatever the plan says: blocks that ended (the calendar's history) and pinned ones.
  const frozen = new Set([...pinned, ...blocks.filter((b) => endsBy(b, nowMs)).map((b) => b.id)]);
  const retitled = await apply({
    plan,
    calendar,
    clients: config.clients,
    tasks: byId,
    frozen,
    now: nowMs,
    writesInFlight,
  });
  return summarise({
    now,
    plan,
    tasks: byId,
    retitled,
    problems,
    original: new Map(blocks.map((b) => [b.id, b])),
  });
}

/** Every client's open tasks, each once. */
async function openTasks(source: TaskSource, clients: readonly ClientConfig[]): Promise<Task[]> {
  const lists = await Promise.all(clients.map((c) => source.listOpenTasks(c.id)));
  const byId = new Map<string, Task>();
  for (const task of lists.flat()) byId.set(task.id, task);
  return [...byId.values()];
}

/**
 * Deletions first (they free time), then new blocks and moves, then title fixes of kept blocks;
 * each phase ends before the next begins, and within one the writes (each to its own event id, each
 * idempotent) go `writesInFlight` at a time. New blocks go before moves within their phase: a new
 * task waits for its block, a moved one already has one; and new blocks go the task changed longest
 * ago first (see `oldestChangeFirst`). Each write is to its own event id, so the order changes no
 * outcome.
 * A write to a frozen id, or of a block that ends by `now`, is skipped: the planner does not plan
 * such writes, and an event id reused for a past block would make the calendar's upsert move that
 * past event (Google answers the insert 409, and the upsert patches the existing event).
 */
async function apply(input: {
  plan: PlanResult;
  calendar: CalendarPort;
  clients: readonly ClientConfig[];
  tasks: ReadonlyMap<string, Task>;
  frozen: ReadonlySet<string>;
  now: number;
  writesInFlight: number;
}): Promise<number> {
  const { plan, calendar, frozen } = input;
  const colors = new Map(input.clients.map((c) => [c.id, c.color]));
  const writable = (block: CalendarBlock) => !frozen.has(block.id) && !endsBy(block, input.now);
  // `known`: a block this run read and the planner moves or retitles (never one the VA moved by
  // hand: the planner leaves those as they are), which the calendar may update in place at once, one
  // PATCH instead of an insert that 409s, a read and a patch. Should a retitled block be one the VA
  // moved, it goes as a plain upsert, which keeps the hand move visible.
  const write = (block: CalendarBlock, known = false) => {
    const url = input.tasks.get(block.taskId)?.url ?? null;
    const colorId = colors.get(block.clientId);
    return calendar.upsertBlock(
      {
        id: block.id,
        taskId: block.taskId,
        clientId: block.clientId,
        chunk: block.chunk,
        start: block.start,
        end: block.end,
        title: block.title,
        movedByVa: block.movedByVa,
        description: url ? `Focus time booked by vahub.\nTask: ${url}` : 'Focus time booked by vahub.',
        ...(colorId === undefined ? {} : { colorId }),
      },
      { known },
    );
  };
  const limit = input.writesInFlight;
  const deletions = plan.delete.filter((d) => !frozen.has(d.block.id)).map((d) => d.block.id);
  await eachInFlight(deletions, limit, (id) => calendar.deleteBlock(id));
  const moved = new Set(plan.move.map((b) => b.id));
  const creates = [...plan.create].sort(oldestChangeFirst(input.tasks));
  await eachInFlight([...creates, ...plan.move].filter(writable), limit, (b) => write(b, moved.has(b.id)));
  const retitle = plan.keep.filter((k) => k.titleChanged && writable(k));
  await eachInFlight(retitle, limit, (b) => write(b, !b.movedByVa));
  return retitle.length;
}

/**
 * Blocks by their task's last change, oldest first (a task whose time is unknown last, ties by task
 * id): a replan runs a window after the first ask of a burst, so the task changed longest ago has
 * waited longest for its block, and the ones that changed just before the run have the window's
 * slack. Writing in the planner's order (by deadline) made the burst's first tasks wait behind
 * everything booked with them.
 */
function oldestChangeFirst(tasks: ReadonlyMap<string, Task>) {
  const changed = (block: CalendarBlock) => {
    const at = tasks.get(block.taskId)?.modifiedAt;
    return at ? parseInstant(at) : Number.POSITIVE_INFINITY;
  };
  return (a: CalendarBlock, b: CalendarBlock) =>
    changed(a) - changed(b) || a.taskId.localeCompare(b.taskId) || a.chunk - b.chunk;
}
