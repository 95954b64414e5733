import type { Interval } from '../time/zoned.js';
import type { PBlock, Prepared, PTask } from './input.js';
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
  | { kind: 'movable'; ref: PBlock; task: PTask; invalid: DisplaceReason | null }
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
  return null;
}
