import type { Interval } from '../time/zoned.js';
import type { Loan } from './claim-index.js';
import type { PlanContext } from './context.js';
import type { Existing } from './existing.js';
import type { PTask } from './input.js';
import { lengthBefore, subtractIntervals } from './intervals.js';
import type { Claim, Fate, PassMode } from './planner.js';
import { trimSurplus } from './surplus.js';

type Movable = Extract<Existing, { kind: 'movable' }>;

/**
 * Where a pass starts: which existing blocks it keeps (trimmed to each task's need) and which it
 * releases, and the free time around the kept ones. It depends only on the plan and on how the
 * mode keeps blocks, so the passes of one plan that keep alike share it (`startOf`); each pass
 * copies what it changes. Nothing here is mutated after it is made.
 */
export interface PassStart {
  /** Per task, in the order first met: its kept blocks. */
  claims: Map<string, Claim[]>;
  fates: Map<string, Fate>;
  /** Per task: its blocks that could not stay, in chunk order. */
  displaced: Map<string, Movable[]>;
  /** Per task (`sticky`): its valid blocks, to take back where still free at its turn. */
  previous: Map<string, Movable[]>;
  /** Free time less the kept blocks. */
  free: Interval[];
  /** Kept blocks other work may take. */
  loans: Loan[];
}

/** The fate of every block kept (one object: a plan keeps hundreds of blocks in every pass). */
export const KEPT: Fate = Object.freeze({ state: 'kept' });
/** The fate of a valid block a reshuffle puts up for grabs (one object, like `KEPT`). */
const RESHUFFLED: Fate = Object.freeze({ state: 'released', reason: 'reshuffled-for-deadlines' });

/** The start of a pass in this mode, made once per plan and way of keeping blocks. */
export function startOf(ctx: PlanContext, mode: PassMode): PassStart {
  const key = mode.keep === 'stable' ? 'stable' : `${mode.keep} ${mode.until ?? '-'}`;
  let start = ctx.starts.get(key);
  if (!start) {
    start = makeStart(ctx, mode);
    ctx.starts.set(key, start);
  }
  return start;
}

function makeStart(ctx: PlanContext, mode: PassMode): PassStart {
  const { p } = ctx;
  const out: PassStart = {
    claims: new Map(),
    fates: new Map(),
    displaced: new Map(),
    previous: new Map(),
    free: [],
    loans: [],
  };
  const kept = new Map<string, Claim[]>();
  for (const e of ctx.existing) {
    if (e.kind === 'fixed') continue;
    if (
      e.kind === 'far' ||
      (e.kind === 'movable' &&
        e.invalid === null &&
        (mode.keep === 'stable' || (mode.until !== undefined && e.ref.start >= mode.until)))
    ) {
      push(kept, e.task.task.id, { start: e.ref.start, end: e.ref.end, existing: e });
      out.fates.set(e.ref.block.id, KEPT);
    } else if (e.kind === 'movable') {
      out.fates.set(
        e.ref.block.id,
        e.busy
          ? { state: 'released', reason: e.invalid ?? 'reshuffled-for-deadlines', busy: e.busy }
          : e.invalid === null
            ? RESHUFFLED
            : { state: 'released', reason: e.invalid },
      );
      if (e.invalid !== null) push(out.displaced, e.task.task.id, e);
      else if (mode.keep === 'sticky') push(out.previous, e.task.task.id, e);
    }
  }
  const taken: Interval[] = [];
  for (const [id, list] of kept) {
    const t = p.taskById.get(id) as PTask;
    const claims = ctx.plannable(t) ? trimmed(ctx, t, list, out.fates) : list;
    out.claims.set(id, claims);
    for (const claim of claims) {
      taken.push(claim);
      if (claim.existing?.kind === 'movable') out.loans.push({ claim, owner: t });
    }
  }
  taken.sort((a, b) => a.start - b.start);
  out.free = subtractIntervals(ctx.unfixed, taken);
  return out;
}

/** The task's kept blocks less any surplus (see `trimSurplus`); the fates of those that go. */
function trimmed(ctx: PlanContext, t: PTask, claims: Claim[], fates: Map<string, Fate>): Claim[] {
  let held = 0;
  for (const c of ctx.fixed.get(t.task.id) ?? []) held += lengthBefore(c.start, c.end, Infinity);
  for (const c of claims) held += lengthBefore(c.start, c.end, Infinity);
  // Nothing over the need (the usual case): nothing to trim. The blocks are in start order already.
  if (held <= ctx.needed(t)) return claims;
  const out = trimSurplus({
    claims,
    held,
    need: ctx.needed(t),
    min: ctx.p.limits.min,
    done: t.tracked ?? t.worked,
  });
  for (const [id, fate] of out.fates) fates.set(id, fate);
  return out.claims;
}

export function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
