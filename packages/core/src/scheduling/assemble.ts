import { blockEventId } from '../crypto/ids.js';
import type { BusyInterval, CalendarBlock } from '../domain/types.js';
import type { Interval } from '../time/zoned.js';
import { evenRuns } from './chunking.js';
import { toCalendarBlock } from './compose.js';
import type { PlanContext } from './context.js';
import type { Existing } from './existing.js';
import { shortfallMessage, whyChanged, whyInvalid, whyKept, whyPlaced } from './explain.js';
import { compareText, instantMs, isoOf, MINUTE, type PBlock, type Prepared, type PTask } from './input.js';
import type { Claim, Pass, Trigger } from './planner.js';
import type {
  DeletedBlock,
  KeepReason,
  KeptBlock,
  LateReport,
  MovedBlock,
  MoveReason,
  PlannedBlock,
  PlanResult,
  Shortfall,
} from './types.js';

/** A displaced block and why it went: what `whyChanged` and the move need. */
export interface Released {
  e: Extract<Existing, { kind: 'movable' }>;
  reason: MoveReason;
  forTaskId?: string;
  busy?: BusyInterval;
  trigger?: Trigger;
}

/**
 * Turns a pass into the four lists (`shortfalls` left empty: `shortfalls` below writes them, once
 * per plan, for the last round only; a plan may report thousands of tasks). New chunks of a task are first paired with that task's
 * displaced blocks (so a displaced block becomes a move under its own event id, or a keep when it
 * landed where it was); what is left over is created under fresh chunk numbers or deleted.
 */
export function assemble(ctx: PlanContext, pass: Pass): PlanResult {
  const { p, existing } = ctx;
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
      out.keep.push(kept(b, undefined, e.keptBecause, false));
      continue;
    }
    if (e.kind === 'gone') {
      out.delete.push({ block: b, reason: e.reason, why: whyChanged(p, e.ref, { reason: e.reason }) });
      continue;
    }
    const fate = pass.fates.get(b.id);
    if (fate === undefined || fate.state === 'kept') {
      out.keep.push(keep(p, e.task, b, e.kind === 'far' ? 'beyond-horizon' : 'still-valid'));
    } else if (fate.state === 'trimmed') {
      out.delete.push({
        block: b,
        reason: 'less-time-needed',
        why: whyChanged(p, e.ref, { reason: 'less-time-needed' }),
      });
    } else if (fate.state === 'resized') {
      const to = { start: e.ref.start, end: fate.end };
      out.move.push(move(p, e, to, { reason: 'less-time-needed' }, []));
    } else if (e.kind === 'movable') {
      const list = released.get(e.task.task.id) ?? [];
      const r: Released = { e, reason: fate.reason };
      if (fate.forTaskId) r.forTaskId = fate.forTaskId;
      if (fate.busy) r.busy = fate.busy;
      if (fate.trigger) r.trigger = fate.trigger;
      list.push(r);
      released.set(e.task.task.id, list);
    }
  }
  // Only tasks that hold claims or lost blocks have anything to pair; in planning order.
  const involved: PTask[] = [];
  for (const id of pass.claims.keys()) if (!released.has(id)) involved.push(p.taskById.get(id) as PTask);
  for (const id of released.keys()) involved.push(p.taskById.get(id) as PTask);
  involved.sort((a, b) => a.rank - b.rank);
  for (const t of involved) {
    const claims = pass.claims.get(t.task.id);
    const pool = released.get(t.task.id);
    if (claims?.some((c) => c.existing === null) || pool !== undefined) {
      const own = (claims ?? []).filter((c) => c.existing === null);
      pairUp({
        ctx,
        pass,
        t,
        fresh: evenRuns(
          own.filter((c) => !c.replaces),
          p.limits,
          t.deadline,
        ),
        whole: own.filter((c) => c.replaces),
        pool: (pool ?? []).sort(
          (a, b) =>
            a.e.ref.block.chunk - b.e.ref.block.chunk || compareText(a.e.ref.block.id, b.e.ref.block.id),
        ),
        lastChunk: p.lastChunk.get(t.task.id) ?? 0,
        out,
        newStarts,
      });
    }
  }
  markLate(p, out);
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
  ctx: PlanContext;
  pass: Pass;
  t: PTask;
  fresh: Interval[];
  /** Displaced blocks placed again whole: each moves under its own id. */
  whole: Claim[];
  pool: Released[];
  lastChunk: number;
  out: PlanResult;
  newStarts: Map<string, number>;
}): void {
  const { ctx, pass, t, fresh, whole, pool, out, newStarts } = args;
  const { p } = ctx;
  const parts = partNumbers(pass, t, [...fresh, ...whole]);
  for (const piece of whole) {
    const at = pool.findIndex((r) => r.e === piece.replaces);
    const r = pool.splice(at, 1)[0] as Released;
    const part = parts.get(piece.start);
    const why = whyPlaced(p, t, piece, {
      index: part?.index ?? 1,
      count: part?.count ?? 1,
      need: ctx.needed(t),
      raw: ctx.rawNeed(t),
      whole: true,
    });
    out.move.push(move(p, r.e, piece, r, why));
    newStarts.set(r.e.ref.block.id, piece.start);
  }
  const left: Interval[] = [];
  for (const piece of fresh) {
    const same = pool.findIndex((r) => r.e.ref.start === piece.start && r.e.ref.end === piece.end);
    if (same < 0) left.push(piece);
    else out.keep.push(keep(p, t, (pool.splice(same, 1)[0] as Released).e.ref.block, 'still-valid'));
  }
  let chunk = args.lastChunk;
  for (const piece of left) {
    const part = parts.get(piece.start);
    const why = whyPlaced(p, t, piece, {
      index: part?.index ?? 1,
      count: part?.count ?? 1,
      need: ctx.needed(t),
      raw: ctx.rawNeed(t),
      whole: false,
    });
    const r = pool.shift();
    if (r) {
      out.move.push(move(p, r.e, piece, r, why));
      newStarts.set(r.e.ref.block.id, piece.start);
      continue;
    }
    // Above every chunk number the task has, and never an id already on the calendar (a block
    // whose chunk number is unusable may still carry the id a number would give).
    let id: string;
    do id = blockEventId(t.task.clientId, t.task.id, ++chunk);
    while (p.inputIds.has(id));
    out.create.push(blockFor(p, t, { id, chunk }, piece, why));
    newStarts.set(id, piece.start);
  }
  for (const r of pool) {
    // Built field by field in this order (block, reason, forTaskId?, busy?, why): a spread with
    // added fields is many times slower in V8.
    const gone = { block: r.e.ref.block, reason: r.reason } as DeletedBlock;
    if (r.forTaskId) gone.forTaskId = r.forTaskId;
    const busy = causeBusy(r);
    if (busy) gone.busy = busy;
    gone.why = [...whyChanged(p, r.e.ref, r), 'no other free time was found for it'];
    out.delete.push(gone);
  }
}

/** The busy time behind a release: over the block itself, or over the block of the task it made room for. */
function causeBusy(r: Released): BusyInterval | undefined {
  return r.busy ?? r.trigger?.busy;
}

/** Marks the blocks that lie after their task's deadline: the late parts. */
function markLate(p: Prepared, out: PlanResult): void {
  for (const list of [out.create, out.move, out.keep] as PlannedBlock[][]) {
    for (const b of list) {
      const t = p.taskById.get(b.taskId);
      if (t && Number.isFinite(t.deadline) && instantMs(b.end) > t.deadline) b.late = true;
    }
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
  let text = p.titles.get(t.task.id);
  if (text === undefined) {
    text = p.titleTemplate
      .replaceAll('{client}', t.client?.name ?? t.task.clientId)
      .replaceAll('{task}', t.task.name);
    p.titles.set(t.task.id, text);
  }
  return text;
}

function blockFor(
  p: Prepared,
  t: PTask,
  { id, chunk }: { id: string; chunk: number },
  at: Interval,
  why: string[],
): PlannedBlock {
  return {
    id,
    taskId: t.task.id,
    clientId: t.task.clientId,
    chunk,
    start: isoOf(at.start),
    end: isoOf(at.end),
    title: title(p, t),
    movedByVa: false,
    why,
  };
}

/**
 * Whether `b` has exactly the `CalendarBlock` fields in their order, as `toCalendarBlock` writes them
 * (every block of a later round): then `plainCopy` gives what `{ ...b }` gives. Output blocks are
 * written as literals where the input allows: in V8 a spread followed by added fields costs
 * microseconds an object, a literal tens of nanoseconds, and a plan writes hundreds each round.
 */
function plainShape(b: CalendarBlock): boolean {
  let i = 0;
  for (const key in b) if (key !== BLOCK_FIELDS[i++]) return false;
  return i === BLOCK_FIELDS.length;
}

const BLOCK_FIELDS = ['id', 'taskId', 'clientId', 'chunk', 'start', 'end', 'title', 'movedByVa'];

/** `{ ...b, title }` for a block of `plainShape`, as a literal. */
function plainCopy(b: CalendarBlock, title: string): CalendarBlock {
  const out = toCalendarBlock(b);
  out.title = title;
  return out;
}

function keep(p: Prepared, t: PTask, b: CalendarBlock, reason: 'still-valid' | 'beyond-horizon'): KeptBlock {
  const wanted = title(p, t);
  return kept(b, wanted, reason, wanted !== b.title);
}

/**
 * `{ ...b, title, why, keptBecause, titleChanged }` (`title` undefined: the block's own), as a
 * literal where `b` allows.
 */
function kept(
  b: CalendarBlock,
  title: string | undefined,
  reason: KeepReason,
  titleChanged: boolean,
): KeptBlock {
  const why = whyKept(reason);
  if (!plainShape(b))
    return title === undefined
      ? { ...b, why, keptBecause: reason, titleChanged }
      : { ...b, title, why, keptBecause: reason, titleChanged };
  const out = plainCopy(b, title ?? b.title) as KeptBlock;
  out.why = why;
  out.keptBecause = reason;
  out.titleChanged = titleChanged;
  return out;
}

function move(
  p: Prepared,
  e: { ref: PBlock; task: PTask },
  to: Interval,
  r: Omit<Released, 'e'>,
  why: string[],
): MovedBlock {
  const { block: b, start, end } = e.ref;
  const t = e.task;
  const trail = [...whyChanged(p, { start, end }, r), ...why];
  const busy = causeBusy(r as Released);
  if (!plainShape(b)) {
    const planned: PlannedBlock = {
      ...b,
      title: title(p, t),
      start: isoOf(to.start),
      end: isoOf(to.end),
      why: trail,
    };
    return {
      ...planned,
      from: { start: b.start, end: b.end },
      reason: r.reason,
      ...(r.forTaskId ? { forTaskId: r.forTaskId } : {}),
      ...(busy ? { busy } : {}),
    };
  }
  // The same fields in the same order, as a literal (see `plainShape`).
  const out = plainCopy(b, title(p, t)) as MovedBlock;
  out.start = isoOf(to.start);
  out.end = isoOf(to.end);
  out.why = trail;
  out.from = { start: b.start, end: b.end };
  out.reason = r.reason;
  if (r.forTaskId) out.forTaskId = r.forTaskId;
  if (busy) out.busy = busy;
  return out;
}

/** Every task not placed in full before its deadline (or within the horizon), in planning order. */
export function shortfalls(ctx: PlanContext, pass: Pass): Shortfall[] {
  const out: Shortfall[] = [];
  for (const t of ctx.p.ranked) {
    const shortfall = shortfallOf(ctx, pass, t);
    if (shortfall) out.push(shortfall);
  }
  return out;
}

function shortfallOf(ctx: PlanContext, pass: Pass, t: PTask): Shortfall | null {
  const { p } = ctx;
  if (t.task.status !== 'open') return null;
  const need = ctx.needed(t);
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
      : { need, placed, onTime, raw: ctx.rawNeed(t) };
  const late =
    Number.isFinite(t.deadline) && (reason === 'deadline-passed' || reason === 'not-enough-free-time')
      ? lateReport(ctx, pass, t, figures)
      : null;
  // A fixed shape, no spreads: a plan may report thousands of tasks.
  const shortfall: Shortfall = {
    taskId: t.task.id,
    clientId: t.task.clientId,
    reason,
    neededMinutes: figures.need / MINUTE,
    placedMinutes: figures.placed / MINUTE,
    onTimeMinutes: Math.min(figures.onTime, figures.need) / MINUTE,
    missingMinutes: Math.max(0, figures.need - figures.onTime) / MINUTE,
    deadline: Number.isFinite(t.deadline) ? isoOfCached(p, t.deadline) : null,
    message: shortfallMessage(p, t, reason, figures, late),
  };
  if (late) shortfall.late = late;
  return shortfall;
}

/** How late a task is (when its last needed minute ends) and why. */
function lateReport(
  ctx: PlanContext,
  pass: Pass,
  t: PTask,
  figures: { need: number; placed: number },
): LateReport {
  let last = Number.NEGATIVE_INFINITY;
  const fixed = ctx.fixed.get(t.task.id);
  if (fixed) for (const c of fixed) last = Math.max(last, c.end);
  const claims = pass.claims.get(t.task.id);
  if (claims) for (const c of claims) last = Math.max(last, c.end);
  const done = figures.placed >= figures.need && Number.isFinite(last);
  const from = Math.max(t.release, ctx.p.earliest);
  const cause =
    t.tier === 'unmeetable'
      ? 'deadline-passed'
      : ctx.capacity.between(from, t.deadline) < ctx.demand(t)
        ? 'too-little-time'
        : 'gave-way';
  return {
    finishesAt: done ? isoOf(last) : null,
    minutesLate: done ? Math.max(0, Math.ceil((last - t.deadline) / MINUTE)) : null,
    cause,
  };
}

/** `isoOf`, remembered for the plan: many tasks share a deadline. */
function isoOfCached(p: Prepared, ms: number): string {
  let text = p.isoCache.get(ms);
  if (text === undefined) {
    text = isoOf(ms);
    p.isoCache.set(ms, text);
  }
  return text;
}
