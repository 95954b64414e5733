import { createHash } from 'node:crypto';
import {
  type BusyInterval,
  type CalendarPort,
  formatInstant,
  type Task,
  type TaskSource,
  type TimeWindow,
} from '@vahub/core';
import type { BusyMirror, TaskMirror } from '@vahub/jobs';

const DAY_MS = 86_400_000;

/** Counts of what a replan read from the apps, for the log line and the burst test. */
export interface MirrorReads {
  fullTaskReads: number;
  fullBusyReads: number;
}

/**
 * A task source whose `listOpenTasks` answers from the task mirror: the full read from the app
 * happens only for a client the mirror has no stamp for (never read, or Redis lost it), and fills it.
 * Everything else goes to the app.
 */
export function mirroredTaskSource(source: TaskSource, mirror: TaskMirror, reads: MirrorReads): TaskSource {
  return {
    getTask: (taskId) => source.getTask(taskId),
    readChanges: (clientId, cursor) => source.readChanges(clientId, cursor),
    listCompletedTasks: (clientId, window) => source.listCompletedTasks(clientId, window),
    async listOpenTasks(clientId) {
      if (await mirror.stamp(clientId)) return mirror.list(clientId);
      return fillTaskMirror(source, mirror, clientId, reads);
    },
  };
}

/** Read a client's open tasks from the app and replace the mirror with them. */
export async function fillTaskMirror(
  source: TaskSource,
  mirror: TaskMirror,
  clientId: string,
  reads?: MirrorReads,
): Promise<Task[]> {
  const open = await source.listOpenTasks(clientId);
  if (reads) reads.fullTaskReads += 1;
  await mirror.replace(clientId, open);
  return open;
}

/** The window the busy mirror keeps: from a day ago to the planning horizon and three days more. */
export function busyWindow(horizonDays: number, nowMs: number): TimeWindow {
  return {
    start: formatInstant(nowMs - DAY_MS),
    end: formatInstant(nowMs + (horizonDays + 3) * DAY_MS),
  };
}

/** An interval's identity in the mirror (the port gives no event ids): its start, end and source. */
export const busyId = (i: BusyInterval): string =>
  createHash('sha256')
    .update(`${i.start}|${i.end}|${i.source ?? ''}`)
    .digest('hex')
    .slice(0, 24);

/**
 * Read the VA's busy time for the mirror's window from the calendar and replace the mirror with it
 * (the calendar port offers a window read, not an incremental sync). Returns the intervals before
 * and after, so the caller can tell what appeared.
 */
export async function refreshBusyMirror(
  calendar: CalendarPort,
  mirror: BusyMirror,
  window: TimeWindow,
  reads?: MirrorReads,
): Promise<{ before: BusyInterval[]; after: BusyInterval[] }> {
  const before = (await mirror.read()).intervals;
  const after = await calendar.busy(window);
  if (reads) reads.fullBusyReads += 1;
  await mirror.replace(
    window,
    after.map((interval) => ({ id: busyId(interval), interval })),
  );
  return { before, after };
}

/**
 * A calendar whose `busy` answers from the busy mirror when it covers the window asked for, and
 * otherwise reads the calendar once (a window wide enough for the next replans) and fills it.
 * Blocks are read and written at the calendar itself.
 */
export function mirroredCalendar(
  calendar: CalendarPort,
  mirror: BusyMirror,
  options: { horizonDays: number; now: () => number; reads: MirrorReads },
): CalendarPort {
  return {
    listBlocks: (window) => calendar.listBlocks(window),
    upsertBlock: (block, upsert) => calendar.upsertBlock(block, upsert),
    deleteBlock: (blockId) => calendar.deleteBlock(blockId),
    async busy(window) {
      const snapshot = await mirror.read(window);
      if (snapshot.window && covers(snapshot.window, window)) return clip(snapshot.intervals, window);
      const wide = busyWindow(options.horizonDays, options.now());
      const target = covers(wide, window) ? wide : window;
      const { after } = await refreshBusyMirror(calendar, mirror, target, options.reads);
      return clip(after, window);
    },
  };
}

function covers(outer: TimeWindow, inner: TimeWindow): boolean {
  return Date.parse(outer.start) <= Date.parse(inner.start) && Date.parse(outer.end) >= Date.parse(inner.end);
}

/** Sorted, merged, clipped to the window: what the port promises. */
function clip(intervals: readonly BusyInterval[], window: TimeWindow): BusyInterval[] {
  const from = Date.parse(window.start);
  const to = Date.parse(window.end);
  const inside = intervals
    .map((i) => ({ s: Math.max(Date.parse(i.start), from), e: Math.min(Date.parse(i.end), to), i }))
    .filter((x) => x.e > x.s)
    .sort((a, b) => a.s - b.s);
  const out: { s: number; e: number; i: BusyInterval }[] = [];
  for (const x of inside) {
    const last = out[out.length - 1];
    if (last && x.s <= last.e) last.e = Math.max(last.e, x.e);
    else out.push({ ...x });
  }
  return out.map(({ s, e, i }) => ({
    ...i,
    start: formatInstant(s),
    end: formatInstant(e),
  }));
}

/** Whether any of `intervals` overlaps any of `blocks`. */
export function overlapsAny(
  intervals: readonly BusyInterval[],
  blocks: readonly { start: string; end: string }[],
): boolean {
  return intervals.some((i) =>
    blocks.some((b) => Date.parse(i.start) < Date.parse(b.end) && Date.parse(i.end) > Date.parse(b.start)),
  );
}
