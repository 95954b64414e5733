import { blockEventId } from '../crypto/ids.js';
import type { CalendarBlock } from '../domain/types.js';
import type { Interval } from '../time/zoned.js';
import { evenRuns } from './chunking.js';
import type { Existing } from './existing.js';
import { shortfallMessage, whyChanged, whyInvalid, whyKept, whyPlaced } from './explain.js';
import { compareText, isoOf, MINUTE, type PBlock, type Prepared, type PTask } from './input.js';
import type { Pass } from './planner.js';
import type { KeptBlock, MovedBlock, MoveReason, PlannedBlock, PlanResult, Shortfall } from './types.js';

type Released = { e: Extract<Existing, { kind: 'movable' }>; reason: MoveReason; forTaskId?: string };

/**
 * Turns a pass into the four lists. New chunks of a task are first paired with that task's
 * displaced blocks (so a displaced block becomes a move under its own event id, or a keep when it
 * landed where it was); what is left over is created under fresh chunk numbers or deleted.
 */
export function assemble(p: Prepared, existing: readonly Existing[], pass: Pass): PlanResult {
  const out: PlanResult = {
    create: [],
    keep: [],
    move: [],
    delete: [],
    shortfalls: [],
    ignored: [],
    window: { earliest: isoOf(p.earliest), horizonEnd: isoOf(p.horizonEnd) },
  };
  const released = new Map<string, Released[]>();
  /** Start (ms) of every created or moved block, by id. */
  const newStarts = new Map<string, number>();
  for (const e of existing) {
    const b = e.ref.block;
    if (e.kind === 'fixed') {
      out.keep.push({ ...b, why: whyKept(e.keptBecause), keptBecause: e.keptBecause, titleChanged: false });
      continue;
    }
    if (e.kind === 'gone') {
      out.delete.push({ block: b, reason: e.reason, why: whyChanged(p, e.reason, e.ref, null) });
      continue;
    }
    const fate = pass.fates.get(b.id);
    if (fate === undefined || fate.state === 'kept') {
      out.keep.push(keep(p, e.task, b, e.kind === 'far' ? 'beyond-horizon' : 'still-valid'));
    } else if (fate.state === 'trimmed') {
      out.delete.push({
        block: b,
        reason: 'less-time-needed',
        why: whyChanged(p, 'less-time-needed', e.ref, null),
      });
    } else if (fate.state === 'resized') {
      const to = { start: e.ref.start, end: fate.end };
      out.move.push(move(p, e, to, { reason: 'less-time-needed' }, []));
    } else if (e.kind === 'movable') {
      const list = released.get(e.task.task.id) ?? [];
      list.push({ e, reason: fate.reason, ...(fate.forTaskId ? { forTaskId: fate.forTaskId } : {}) });
      released.set(e.task.task.id, list);
    }
  }
  for (const t of p.ranked) {
    const fresh = evenRuns(
      (pass.claims.get(t.task.id) ?? []).filter((c) => c.existing === null),
      p.limits,
    );
    const pool = (released.get(t.task.id) ?? []).sort(
      (a, b) => a.e.ref.block.chunk - b.e.ref.block.chunk || compareText(a.e.ref.block.id, b.e.ref.block.id),
    );
    pairUp({ p, pass, t, fresh, pool, lastChunk: p.lastChunk.get(t.task.id) ?? 0, out, newStarts });
    const shortfall = shortfallOf(p, pass, t);
    if (shortfall) out.shortfalls.push(shortfall);
  }
  for (const inv of p.invalid) {
    const why = whyInvalid(p, inv);
    if (inv.leftAlone === null) {
      out.delete.push({ block: inv.block, reason: 'invalid-block', problem: inv.problem, why });
    } else {
      out.ignored.push({ block: inv.block, problem: inv.problem, why });
    }
  }
  // Sorted on epoch ms, never on the text: input instants may carry any offset or precision.
  const startOf = new Map<string, number>(p.blocks.map((b) => [b.block.id, b.start]));
  for (const [id, ms] of newStarts) startOf.set(id, ms);
  // A deleted invalid block's times are readable (else it is left alone): it sorts by its start.
  for (const inv of p.invalid) if (inv.leftAlone === null) startOf.set(inv.block.id, inv.start);
  const key = (b: CalendarBlock) => startOf.get(b.id) ?? Number.NaN;
  const byTime = (a: CalendarBlock, b: CalendarBlock) => key(a) - key(b) || compareText(a.id, b.id);
  out.create.sort(byTime);
  out.keep.sort(byTime);
  out.move.sort(byTime);
  out.delete.sort((a, b) => byTime(a.block, b.block));
  return out;
}

function pairUp(args: {
  p: Prepared;
  pass: Pass;
  t: PTask;
  fresh: Interval[];
  pool: Released[];
  lastChunk: number;
  out: PlanResult;
  newStarts: Map<string, number>;
}): void {
  const { p, pass, t, fresh, pool, out, newStarts } = args;
  const parts = partNumbers(pass, t, fresh);
  const left: Interval[] = [];
  for (const piece of fresh) {
    const same = pool.findIndex((r) => r.e.ref.start === piece.start && r.e.ref.end === piece.end);
    if (same < 0) left.push(piece);
    else out.keep.push(keep(p, t, (pool.splice(same, 1)[0] as Released).e.ref.block, 'still-valid'));
  }
  let chunk = args.lastChunk;
  for (const piece of left) {
    const why = whyPlaced(p, t, piece, {
      ...(parts.get(piece.start) ?? { index: 1, count: 1 }),
      need: pass.needed(t),
      raw: pass.rawNeed(t),
    });
    const r = pool.shift();
    if (r) {
      out.move.push(move(p, r.e, piece, r, why));
      newStarts.set(r.e.ref.block.id, piece.start);
      continue;
    }
    // Above every chunk number the task has, and never an id already on the calendar (a block
    // whose chunk number is unusable may still carry the id a number would give).
    do chunk++;
    while (p.inputIds.has(blockEventId(t.task.clientId, t.task.id, chunk)));
    const block = blockFor(p, t, chunk, piece);
    out.create.push({ ...block, why });
    newStarts.set(block.id, piece.start);
  }
  for (const r of pool) {
    const forTask = r.forTaskId ? (p.taskById.get(r.forTaskId) ?? null) : null;
    out.delete.push({
      block: r.e.ref.block,
      reason: r.reason,
      ...(r.forTaskId ? { forTaskId: r.forTaskId } : {}),
      why: [...whyChanged(p, r.reason, r.e.ref, forTask), 'no other free time was found for it'],
    });
  }
}

/** "Part k of n": the task's future blocks in time order, old and new. */
function partNumbers(pass: Pass, t: PTask, fresh: Interval[]): Map<number, { index: number; count: number }> {
  const starts = [
    ...(pass.claims.get(t.task.id) ?? []).filter((c) => c.existing !== null).map((c) => c.start),
    ...fresh.map((f) => f.start),
  ].sort((a, b) => a - b);
  return new Map(starts.map((s, i) => [s, { index: i + 1, count: starts.length }]));
}

function title(p: Prepared, t: PTask): string {
  return p.titleTemplate
    .replaceAll('{client}', t.client?.name ?? t.task.clientId)
    .replaceAll('{task}', t.task.name);
}

function blockFor(p: Prepared, t: PTask, chunk: number, at: Interval): CalendarBlock {
  return {
    id: blockEventId(t.task.clientId, t.task.id, chunk),
    taskId: t.task.id,
    clientId: t.task.clientId,
    chunk,
    start: isoOf(at.start),
    end: isoOf(at.end),
    title: title(p, t),
    movedByVa: false,
  };
}

function keep(p: Prepared, t: PTask, b: CalendarBlock, reason: 'still-valid' | 'beyond-horizon'): KeptBlock {
  const wanted = title(p, t);
  return { ...b, title: wanted, why: whyKept(reason), keptBecause: reason, titleChanged: wanted !== b.title };
}

function move(
  p: Prepared,
  e: { ref: PBlock; task: PTask },
  to: Interval,
  r: { reason: MoveReason; forTaskId?: string },
  why: string[],
): MovedBlock {
  const { block: b, start, end } = e.ref;
  const t = e.task;
  const was = { start, end };
  const forTask = r.forTaskId ? (p.taskById.get(r.forTaskId) ?? null) : null;
  const planned: PlannedBlock = {
    ...b,
    title: title(p, t),
    start: isoOf(to.start),
    end: isoOf(to.end),
    why: [...whyChanged(p, r.reason, was, forTask), ...why],
  };
  return {
    ...planned,
    from: { start: b.start, end: b.end },
    reason: r.reason,
    ...(r.forTaskId ? { forTaskId: r.forTaskId } : {}),
  };
}

function shortfallOf(p: Prepared, pass: Pass, t: PTask): Shortfall | null {
  if (t.task.status !== 'open') return null;
  const need = pass.needed(t);
  const placed = pass.held(t);
  const onTime = pass.held(t, t.deadline);
  const reason =
    t.client === null
      ? 'unknown-client'
      : t.need === null
        ? 'estimate-missing'
        : onTime >= need
          ? null
          : t.deadline <= p.now
            ? 'deadline-passed'
            : 'not-enough-free-time';
  if (reason === null) return null;
  // Without an estimate the need is only what the existing blocks held: report what is held now, so
  // that planning the result again reports the same.
  const figures =
    reason === 'estimate-missing'
      ? { need: placed, placed, onTime: placed, raw: placed }
      : { need, placed, onTime, raw: pass.rawNeed(t) };
  return {
    taskId: t.task.id,
    clientId: t.task.clientId,
    reason,
    neededMinutes: figures.need / MINUTE,
    placedMinutes: figures.placed / MINUTE,
    onTimeMinutes: Math.min(figures.onTime, figures.need) / MINUTE,
    missingMinutes: Math.max(0, figures.need - figures.onTime) / MINUTE,
    deadline: Number.isFinite(t.deadline) ? isoOf(t.deadline) : null,
    message: shortfallMessage(p, t, reason, figures),
  };
}
