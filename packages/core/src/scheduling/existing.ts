import type { BusyInterval } from '../domain/types.js';
import type { Interval } from '../time/zoned.js';
import type { PBlock, Prepared, PTask, RawBusy } from './input.js';
import { insideOne, mergeIntervals, overlapsAny } from './intervals.js';
import type { DeleteReason, DisplaceReason, KeepReason } from './types.js';

/**
 * What an existing block is before any planning:
 * - `fixed`: never touched (started, moved by the VA, or its client is not configured);
 * - `far`: starts beyond the horizon, where busy time is unknown: kept, removed only as surplus;
 * - `movable`: the planner may keep, move or delete it; `invalid` says why it cannot stay;
 * - `gone`: its task is closed, missing or changed client: deleted.
 */
export type Existing =
  | { kind: 'fixed'; ref: PBlock; task: PTask | null; keptBecause: KeepReason }
  | { kind: 'far'; ref: PBlock; task: PTask }
  | {
      kind: 'movable';
      ref: PBlock;
      task: PTask;
      invalid: DisplaceReason | null;
      /** For `slot-busy`: the busy interval (as given) that now lies over it, with the buffer. */
      busy?: BusyInterval;
    }
  | { kind: 'gone'; ref: PBlock; task: PTask | null; reason: DeleteReason };

const CLOSED: Record<string, DeleteReason> = {
  completed: 'task-completed',
  deleted: 'task-deleted',
  unassigned: 'task-unassigned',
};

export function classifyBlocks(p: Prepared): Existing[] {
  const fixed: Existing[] = [];
  const rest: Existing[] = [];
  for (const ref of p.blocks) {
    const task = p.taskById.get(ref.block.taskId) ?? null;
    if (ref.start < p.now) fixed.push({ kind: 'fixed', ref, task, keptBecause: 'started' });
    else if (ref.block.movedByVa) fixed.push({ kind: 'fixed', ref, task, keptBecause: 'moved-by-va' });
    else if (task === null) rest.push({ kind: 'gone', ref, task, reason: 'task-missing' });
    else if (CLOSED[task.task.status])
      rest.push({ kind: 'gone', ref, task, reason: CLOSED[task.task.status] as DeleteReason });
    else if (task.task.clientId !== ref.block.clientId)
      rest.push({ kind: 'gone', ref, task, reason: 'client-changed' });
    else if (task.client === null) fixed.push({ kind: 'fixed', ref, task, keptBecause: 'unknown-client' });
    else if (ref.start >= p.horizonEnd) rest.push({ kind: 'far', ref, task });
    else rest.push({ kind: 'movable', ref, task, invalid: null });
  }
  const fixedSpans = mergeIntervals(fixed.map((e) => ({ start: e.ref.start, end: e.ref.end })));
  let lastKeptEnd = Number.NEGATIVE_INFINITY;
  const out: Existing[] = [...fixed];
  for (const e of rest) {
    if (e.kind === 'movable') {
      e.invalid = displaced(p, e, fixedSpans);
      if (e.invalid === 'slot-busy') e.busy = busyOver(p, e.ref);
      if (e.invalid === null && e.ref.start < lastKeptEnd) e.invalid = 'overlaps-block';
      if (e.invalid === null) lastKeptEnd = e.ref.end;
    } else if (e.kind === 'far') {
      // Beyond the horizon nothing can be re-placed: a far block that collides is simply deleted.
      if (e.ref.start < lastKeptEnd || overlapsAny(fixedSpans, e.ref.start, e.ref.end)) {
        out.push({ kind: 'gone', ref: e.ref, task: e.task, reason: 'overlaps-block' });
        continue;
      }
      lastKeptEnd = e.ref.end;
    }
    out.push(e);
  }
  return out;
}

function displaced(
  p: Prepared,
  e: { ref: PBlock; task: PTask },
  fixedSpans: readonly Interval[],
): DisplaceReason | null {
  const { start, end } = e.ref;
  const length = end - start;
  if (length < p.limits.min || length > p.limits.max) return 'length-out-of-bounds';
  if (!insideOne(p.windows, start, end)) return 'outside-working-hours';
  if (overlapsAny(p.busy, start, end)) return 'slot-busy';
  if (overlapsAny(fixedSpans, start, end)) return 'overlaps-block';
  if (start < e.task.release) return 'before-start-date';
  // The part before the deadline and the late part are separate blocks (only work that can still
  // make its deadline: for overdue work the deadline is behind).
  if (e.task.tier === 'deadline' && start < e.task.deadline && e.task.deadline < end)
    return 'crosses-deadline';
  return null;
}

/** The latest-starting busy interval as given that, widened by the buffer, meets the block. */
function busyOver(p: Prepared, b: Interval): BusyInterval | undefined {
  const list = p.rawBusy();
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as RawBusy).start - p.buffer < b.end) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const r = list[i] as RawBusy;
    if (r.end + p.buffer > b.start) return r.busy;
  }
  return undefined;
}
