import type { Interval } from '../time/zoned.js';
import { roundUpNeed } from './chunking.js';
import type { Existing } from './existing.js';
import { FreeList, openTime } from './free-time.js';
import { ALIGN, type Prepared, type PTask } from './input.js';
import { alignDown, alignUp, lengthBefore, mergeIntervals, subtractIntervals } from './intervals.js';
import { Lendable, type Loan } from './lendable.js';
import { trimSurplus } from './surplus.js';
import type { DisplaceReason } from './types.js';

/** Time a task holds in this pass: one of its existing blocks (kept) or a new chunk. */
export interface Claim {
  start: number;
  end: number;
  existing: Extract<Existing, { kind: 'movable' | 'far' }> | null;
}

/** What the pass decided for a movable or far block. */
export type Fate =
  | { state: 'kept' }
  | { state: 'released'; reason: DisplaceReason; forTaskId?: string }
  | { state: 'resized'; end: number }
  | { state: 'trimmed' };

export interface PassMode {
  /** `stable`: valid existing blocks are kept; `fresh`: every movable block is up for grabs. */
  keep: 'stable' | 'fresh';
  /**
   * Work whose deadline has passed goes first (giving way where a meetable deadline needs the time),
   * or only after every meetable deadline is served.
   */
  overdueFirst: boolean;
}

interface Undo {
  free: ReturnType<FreeList['snapshot']>;
  claims: Map<string, Claim[]>;
  fates: Map<string, Fate>;
}

/**
 * One planning pass: free time = working windows − (busy ± buffer) − fixed blocks − kept blocks,
 * then tasks in planning order, each filled as soon as possible (earliest deadline first). A task
 * that would miss a deadline it can still meet first tries its own late blocks again, then takes
 * time from less urgent tasks' blocks; the attempt is kept only if it makes the task less late.
 */
export class Pass {
  readonly claims = new Map<string, Claim[]>();
  readonly fates = new Map<string, Fate>();
  /** Per task: the parts after `now` of its fixed blocks (started or moved by the VA). */
  private readonly fixed = new Map<string, Interval[]>();
  /** Per task: minutes of all its existing future blocks; the need when the estimate is missing. */
  private readonly existingTotal = new Map<string, number>();
  private readonly free: FreeList;
  /** Overdue tasks: whatever they hold, a task that can still meet its deadline may take. */
  private readonly overdue: PTask[];
  /** Blocks kept for tasks not yet planned, which a more urgent task may take. */
  private readonly lendable: Lendable;
  private undo: Undo | null = null;

  constructor(
    private readonly p: Prepared,
    existing: readonly Existing[],
    private readonly mode: PassMode,
  ) {
    const fixedSpans: Interval[] = [];
    for (const e of existing) {
      const id = e.task?.task.id;
      const futureStart = Math.max(e.ref.start, p.now);
      if (id !== undefined && e.ref.end > futureStart && e.kind !== 'gone') {
        this.existingTotal.set(id, (this.existingTotal.get(id) ?? 0) + e.ref.end - futureStart);
      }
      if (e.kind === 'fixed') {
        fixedSpans.push({ start: e.ref.start, end: e.ref.end });
        if (id !== undefined && e.ref.end > futureStart)
          push(this.fixed, id, { start: futureStart, end: e.ref.end });
      } else if (e.kind === 'far' || (e.kind === 'movable' && e.invalid === null && mode.keep === 'stable')) {
        push(this.claims, e.task.task.id, { start: e.ref.start, end: e.ref.end, existing: e });
        this.fates.set(e.ref.block.id, { state: 'kept' });
      } else if (e.kind === 'movable') {
        this.fates.set(e.ref.block.id, {
          state: 'released',
          reason: e.invalid ?? 'reshuffled-for-deadlines',
        });
      }
    }
    for (const t of p.ranked) if (this.plannable(t)) this.trim(t);
    const kept = [...this.claims.values()].flat();
    // Working time less busy time is put on the 5-minute grid; blocks come off it exactly. Free time
    // is then a function of the blocks alone: a block given back rejoins its neighbours exactly, and
    // planning the result again starts from the very free time this pass ends with.
    const open = openTime({
      windows: p.windows,
      from: p.earliest,
      to: p.horizonEnd,
      taken: p.busy,
      step: ALIGN,
    });
    this.free = new FreeList(subtractIntervals(open, mergeIntervals([...fixedSpans, ...kept])), p.limits);
    this.overdue = p.ranked.filter((t) => t.tier === 'unmeetable');
    const loans: Loan[] = [];
    for (const t of p.ranked) {
      if (t.tier === 'unmeetable') continue;
      for (const claim of this.claims.get(t.task.id) ?? []) {
        if (claim.existing?.kind === 'movable') loans.push({ claim, owner: t, retired: false });
      }
    }
    this.lendable = new Lendable(loans);
  }

  run(): this {
    const { ranked } = this.p;
    if (this.mode.overdueFirst) for (const t of ranked) if (t.tier === 'unmeetable') this.fill(t);
    for (const t of ranked) {
      if (t.tier !== 'deadline') continue;
      this.lendable.retire(t);
      this.fill(t);
      if (this.late(t) > 0) this.tryHarder(t);
    }
    // Overdue work placed first gets back here what it gave way; placed last, it starts here.
    for (const t of ranked) if (t.tier === 'unmeetable') this.fill(t);
    for (const t of ranked) if (t.tier === 'open-ended') this.fill(t);
    return this;
  }

  plannable(t: PTask): boolean {
    return t.task.status === 'open' && t.client !== null;
  }

  /** The task's need from now on, before rounding: without an estimate, what its blocks hold. */
  rawNeed(t: PTask): number {
    return t.need ?? this.existingTotal.get(t.task.id) ?? 0;
  }

  /**
   * The task's need from now on, rounded up to a length that splits into chunks within bounds.
   * Without an estimate the task keeps what its blocks hold, unrounded: rounding that up would book
   * more each time the plan is read back (a 15-minute rest of a started block becoming 45, then 90).
   */
  needed(t: PTask): number {
    return t.need === null ? this.rawNeed(t) : roundUpNeed(t.need, this.p.limits);
  }

  held(t: PTask, before = Number.POSITIVE_INFINITY): number {
    let sum = 0;
    for (const c of this.fixed.get(t.task.id) ?? []) sum += lengthBefore(c.start, c.end, before);
    for (const c of this.claims.get(t.task.id) ?? []) sum += lengthBefore(c.start, c.end, before);
    return sum;
  }

  /** Minutes (ms) of need that do not end before the deadline. */
  late(t: PTask): number {
    return Math.max(0, this.needed(t) - this.held(t, t.deadline));
  }

  lateness(): { tasks: number; total: number } {
    let tasks = 0;
    let total = 0;
    for (const t of this.p.ranked) {
      if (t.tier !== 'deadline' || !this.plannable(t)) continue;
      const late = this.late(t);
      if (late > 0) tasks++;
      total += late;
    }
    return { tasks, total };
  }

  private fill(t: PTask): Interval[] {
    if (!this.plannable(t)) return [];
    const missing = this.needed(t) - this.held(t);
    if (missing <= 0) return [];
    const from = alignUp(Math.max(t.release, this.p.earliest), ALIGN);
    const pieces = this.free.fill(roundUpNeed(missing, this.p.limits), from);
    if (pieces.length > 0) {
      this.setClaims(t.task.id, [
        ...(this.claims.get(t.task.id) ?? []),
        ...pieces.map((x) => ({ ...x, existing: null })),
      ]);
    }
    return pieces;
  }

  private trim(t: PTask): void {
    const { claims, fates } = trimSurplus({
      claims: this.claims.get(t.task.id) ?? [],
      held: this.held(t),
      need: this.needed(t),
      min: this.p.limits.min,
    });
    this.claims.set(t.task.id, claims);
    for (const [id, fate] of fates) this.fates.set(id, fate);
  }

  private tryHarder(t: PTask): void {
    const before = this.late(t);
    const own = this.claims.get(t.task.id) ?? [];
    const ownLate = own.filter((c) => c.existing?.kind === 'movable' && c.end > t.deadline);
    const candidates = this.candidates(t);
    if (ownLate.length === 0 && candidates.length === 0) return;
    this.undo = { free: this.free.snapshot(), claims: new Map(), fates: new Map() };
    for (const c of own) {
      if (c.existing === null || ownLate.includes(c)) this.free.give(c.start, c.end);
    }
    for (const c of ownLate)
      if (c.existing) this.setFate(c.existing.ref.block.id, { state: 'released', reason: 'after-deadline' });
    this.setClaims(
      t.task.id,
      own.filter((c) => c.existing !== null && !ownLate.includes(c)),
    );
    let placed = this.fill(t);
    const released: { claim: Claim; owner: PTask }[] = [];
    let next = 0;
    while (this.late(t) > 0 && next < candidates.length) {
      let freed = 0;
      while (next < candidates.length && freed < this.late(t)) {
        const c = candidates[next++] as { claim: Claim; owner: PTask };
        this.release(c.claim, c.owner, t);
        released.push(c);
        freed += lengthBefore(c.claim.start, c.claim.end, releaseLimit(t));
      }
      for (const x of placed) this.free.give(x.start, x.end);
      this.setClaims(
        t.task.id,
        (this.claims.get(t.task.id) ?? []).filter((c) => c.existing !== null),
      );
      placed = this.fill(t);
    }
    // Blocks whose time the task did not take after all stay where they were; of the others, the
    // part after the deadline (held back so the task could not use it) becomes free.
    for (const { claim, owner } of released) {
      const cut = Math.min(claim.end, releaseLimit(t));
      if (this.free.take(claim.start, cut)) {
        this.setClaims(owner.task.id, [...(this.claims.get(owner.task.id) ?? []), claim]);
        if (claim.existing) this.setFate(claim.existing.ref.block.id, { state: 'kept' });
      } else if (claim.end > cut) {
        this.free.give(cut, claim.end);
      }
    }
    const undo = this.undo;
    this.undo = null;
    if (this.late(t) < before) return;
    this.free.restore(undo.free);
    for (const [id, claims] of undo.claims) this.claims.set(id, claims);
    for (const [id, fate] of undo.fates) this.fates.set(id, fate);
  }

  /**
   * Time `t` may take, least urgent first: blocks kept for tasks without a deadline, then for later
   * deadlines (latest first), then anything held by tasks whose deadline has already gone.
   */
  private candidates(t: PTask): { claim: Claim; owner: PTask }[] {
    const from = Math.max(t.release, this.p.earliest);
    const limit = releaseLimit(t);
    const found: { claim: Claim; owner: PTask; group: number }[] = [];
    for (const { claim, owner } of this.lendable.within(from, limit)) {
      // Still held: it may have been taken for a task planned earlier.
      if (owner === t || !(this.claims.get(owner.task.id) ?? []).includes(claim)) continue;
      found.push({ claim, owner, group: owner.tier === 'open-ended' ? 0 : 1 });
    }
    for (const owner of this.overdue) {
      for (const claim of this.claims.get(owner.task.id) ?? []) {
        if (claim.existing?.kind === 'far' || claim.start >= limit || claim.end <= from) continue;
        found.push({ claim, owner, group: 2 });
      }
    }
    return found.sort(
      (a, b) => a.group - b.group || b.owner.rank - a.owner.rank || b.claim.start - a.claim.start,
    );
  }

  /** Frees the part of `claim` before `forTask`'s deadline: only that can help it. */
  private release(claim: Claim, owner: PTask, forTask: PTask): void {
    this.free.give(claim.start, Math.min(claim.end, releaseLimit(forTask)));
    this.setClaims(
      owner.task.id,
      (this.claims.get(owner.task.id) ?? []).filter((c) => c !== claim),
    );
    if (claim.existing) {
      this.setFate(claim.existing.ref.block.id, {
        state: 'released',
        reason: 'made-room',
        forTaskId: forTask.task.id,
      });
    }
  }

  private setClaims(id: string, claims: Claim[]): void {
    if (this.undo && !this.undo.claims.has(id)) this.undo.claims.set(id, this.claims.get(id) ?? []);
    this.claims.set(id, claims);
  }

  private setFate(id: string, fate: Fate): void {
    if (this.undo && !this.undo.fates.has(id)) this.undo.fates.set(id, this.fates.get(id) as Fate);
    this.fates.set(id, fate);
  }
}

/** Time taken from others for `t` ends at its deadline, on the 5-minute grid new chunks use. */
function releaseLimit(t: PTask): number {
  return alignDown(t.deadline, ALIGN);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
