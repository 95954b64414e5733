import type { BusyInterval } from '../domain/types.js';
import type { Interval } from '../time/zoned.js';
import type { Admission } from './admission.js';
import { roundUpNeed, splittable } from './chunking.js';
import { ClaimIndex, type Loan } from './claim-index.js';
import type { PlanContext } from './context.js';
import { ClientEdges } from './edges.js';
import type { Existing } from './existing.js';
import { FreeList, type Usable } from './free-time.js';
import { ALIGN, MINUTE, type PTask } from './input.js';
import { alignDown, alignUp, lengthBefore } from './intervals.js';
import { KEPT, startOf } from './pass-start.js';
import { NO_TASKS, type TaskSetView } from './task-set.js';
import type { DisplaceReason } from './types.js';

type Movable = Extract<Existing, { kind: 'movable' }>;

/** Time a task holds in this pass: one of its existing blocks (kept) or a new chunk. */
export interface Claim {
  start: number;
  end: number;
  existing: Extract<Existing, { kind: 'movable' | 'far' }> | null;
  /** A displaced block placed again whole, as one piece: it moves under its own id. */
  replaces?: Movable;
}

/** Why a task needed time it took from others: what changed for it. */
export interface Trigger {
  /** The task that needed the time. */
  taskId: string;
  /** `displaced`: one of its blocks could not stay (`reason`, `busy`); `new`: it had no blocks; `more-time`: it needs more than its blocks hold. */
  kind: 'displaced' | 'new' | 'more-time';
  reason?: DisplaceReason;
  busy?: BusyInterval;
}

/** What the pass decided for a movable or far block. */
export type Fate =
  | Readonly<{ state: 'kept' }>
  | { state: 'released'; reason: DisplaceReason; forTaskId?: string; busy?: BusyInterval; trigger?: Trigger }
  | { state: 'resized'; end: number }
  | { state: 'trimmed' };

export interface PassMode {
  /**
   * `stable`: valid existing blocks are kept; `fresh`: every movable block is up for grabs;
   * `sticky`: up for grabs too, but each task first takes back its own blocks still free when its
   * turn comes (so a reshuffle moves only what earlier work took).
   */
  keep: 'stable' | 'fresh' | 'sticky';
  /** With `fresh` or `sticky`: only blocks starting before this are up for grabs; later ones are kept. */
  until?: number;
  /**
   * Work whose deadline has passed: `budget` goes first as far as the slack of the deadlines ahead
   * allows and after them for the rest; `first` goes first (giving way where a deadline needs the
   * time); `last` goes after every deadline that can still be met.
   */
  overdue: 'budget' | 'first' | 'last';
  /** The overload policy's decision applies; false: every deadline in turn, earliest first (EDF). */
  admit: boolean;
  /** Batching and breaks, when the settings ask for them. */
  prefs: boolean;
  /** A task that would miss its deadline may take time from less urgent work. */
  rescue: boolean;
}

export interface Lateness {
  /** Tasks with a deadline still ahead that do not hold their need before it. */
  tasks: number;
  /** Their missing time, each minute weighted by its task's weight. */
  weighted: number;
  /**
   * Of the late tasks, those the overload policy meant to be on time and that were not late on the
   * calendar before: what another pass may try to save.
   */
  unplanned: number;
}

interface Undo {
  free: ReturnType<FreeList['snapshot']>;
  claims: Map<string, Claim[]>;
  fates: Map<string, Fate>;
}

const NO_CLAIMS: readonly Claim[] = [];
const NO_BLOCKS: readonly Movable[] = [];

/** Time of `claims` before `limit`. */
function heldBefore(claims: readonly Interval[] | undefined, limit: number): number {
  if (claims === undefined) return 0;
  let sum = 0;
  for (let i = 0; i < claims.length; i++) {
    const c = claims[i] as Interval;
    sum += lengthBefore(c.start, c.end, limit);
  }
  return sum;
}

/**
 * One planning pass: free time = working windows − (busy ± buffer) − fixed blocks − kept blocks,
 * then tasks in planning order, each filled as soon as possible: overdue work as far as the slack
 * allows, then the work that can make its deadline (earliest first, batched by client when asked),
 * then the work the overload policy lets be late, the rest of the overdue work, and work without a
 * deadline. A displaced block is placed again whole where it can be. A task that would still miss
 * a deadline it can meet first tries its own late blocks again, then takes time from less urgent
 * work; the attempt is kept only if it makes the task less late.
 */
export class Pass {
  readonly claims: Map<string, Claim[]>;
  readonly fates: Map<string, Fate>;
  private readonly free: FreeList;
  /** Blocks other work may take (kept ones, and those placed for overdue work). */
  private readonly index: ClaimIndex;
  private readonly live = new Set<Claim>();
  /** Work whose turn has come in the deadline order (by rank): its blocks are no longer less urgent. */
  private readonly retired: Uint8Array;
  private readonly deferred: TaskSetView;
  /** Per task: its blocks that could not stay, in chunk order. */
  private readonly displaced: Map<string, Movable[]>;
  /** Per task (`sticky` passes): its valid blocks, taken back where still free at its turn. */
  private readonly previous: ReadonlyMap<string, Movable[]>;
  private readonly admission: Admission;
  private readonly edges: ClientEdges | null;
  private undo: Undo | null = null;

  constructor(
    private readonly ctx: PlanContext,
    private readonly mode: PassMode,
    admission: Admission = ctx.admission,
  ) {
    const { p } = ctx;
    this.admission = admission;
    this.retired = new Uint8Array(p.ranked.length);
    this.deferred = mode.admit ? admission.deferred : NO_TASKS;
    this.edges = mode.prefs && p.prefs.clientBreak > 0 ? new ClientEdges(p.prefs.clientBreak) : null;
    // Where the pass starts is shared by the passes of this plan that keep blocks alike; what a
    // pass changes is copied.
    const start = startOf(ctx, mode);
    // Copied with forEach: `new Map(map)` goes through the iterator, an entry array per entry.
    this.claims = new Map();
    this.fates = new Map();
    this.displaced = new Map();
    start.claims.forEach((list, id) => {
      this.claims.set(id, list);
      for (const c of list) this.live.add(c);
    });
    start.fates.forEach((fate, id) => {
      this.fates.set(id, fate);
    });
    start.displaced.forEach((list, id) => {
      this.displaced.set(id, [...list]);
    });
    this.previous = start.previous;
    if (this.edges) {
      for (const e of ctx.existing)
        if (e.kind === 'fixed' && e.task) this.edges.add(e.ref, e.task.task.clientId);
      for (const [id, list] of start.claims) {
        const client = (p.taskById.get(id) as PTask).task.clientId;
        for (const c of list) this.edges.add(c, client);
      }
    }
    this.free = new FreeList(start.free, p.limits);
    this.index = new ClaimIndex(start.loans, (loan) => this.live.has(loan.claim));
  }

  run(): this {
    const { ctx, mode } = this;
    if (mode.overdue === 'first') for (const t of ctx.overdue) this.place(t);
    if (mode.overdue === 'budget') {
      let budget = this.admission.slack;
      for (const t of ctx.overdue) budget -= this.place(t, budget);
    }
    for (const t of ctx.onTime({ admission: mode.admit ? this.admission : null, batch: mode.prefs })) {
      this.retired[t.rank] = 1;
      this.place(t);
      if (mode.rescue && t.tier === 'deadline' && !this.deferred.has(t) && this.late(t) > 0)
        this.tryHarder(t);
    }
    // From here on work only takes time: once no free stretch can hold a chunk, nothing more fits.
    for (const t of ctx.dated) {
      if (this.free.full) return this;
      if (t.tier === 'deadline' && this.deferred.has(t)) this.place(t);
    }
    // Overdue work placed first gets back here what it gave way; placed last, it starts here.
    for (const t of ctx.overdue) {
      if (this.free.full) return this;
      this.place(t);
    }
    // Protected work the policy could not fit in line (or a plain pass, which knows no protection).
    for (const t of ctx.dated) {
      if (this.free.full) return this;
      if (t.tier === 'protected') this.place(t);
    }
    for (const t of ctx.openEnded) {
      if (this.free.full) return this;
      this.place(t);
    }
    return this;
  }

  held(t: PTask, before = Number.POSITIVE_INFINITY): number {
    // Called for every task many times a pass: no list made for a task that holds nothing.
    const { fixed } = this.ctx;
    const own = fixed.size === 0 ? undefined : fixed.get(t.task.id);
    return heldBefore(own, before) + heldBefore(this.claims.get(t.task.id), before);
  }

  /** Minutes (ms) of need that do not end before the deadline. */
  late(t: PTask): number {
    return Math.max(0, this.ctx.needed(t) - this.held(t, t.deadline));
  }

  /**
   * Late work with a deadline still ahead. Work that holds nothing is late by all it needs, which
   * the context sums once; only work that holds blocks is looked at here, so a pass over thousands
   * of tasks that the calendar cannot hold costs only the blocks it placed.
   */
  lateness(): Lateness {
    const base = this.ctx.unheldLateness(this.deferred);
    const out: Lateness = { ...base };
    const count = (t: PTask, late: number, sign: number) => {
      if (late <= 0) return;
      out.tasks += sign;
      out.weighted += sign * late * t.weight;
      if (!this.deferred.has(t) && !this.ctx.lateHeld.has(t)) out.unplanned += sign;
    };
    const visit = (id: string) => {
      const t = this.ctx.p.taskById.get(id);
      if (t?.tier !== 'deadline' || !this.ctx.plannable(t)) return;
      if (!this.ctx.fixed.has(id)) count(t, this.ctx.needed(t), -1);
      count(t, this.late(t), 1);
    };
    for (const id of this.claims.keys()) visit(id);
    for (const id of this.ctx.fixed.keys()) if (!this.claims.has(id)) visit(id);
    return out;
  }

  /** Work the policy meant to keep that is late after all: its deadline and late time. */
  shortBy(): { deadline: number; late: number }[] {
    const out: { deadline: number; late: number }[] = [];
    for (const t of this.ctx.dated) {
      if (t.tier !== 'deadline' || !this.ctx.plannable(t) || this.deferred.has(t) || this.ctx.lateHeld.has(t))
        continue;
      const late = this.late(t);
      if (late > 0) out.push({ deadline: t.deadline, late });
    }
    return out;
  }

  /**
   * Places what the task still misses (at most `budget`, in a length that leaves a rest that still
   * splits): its displaced blocks whole where a slot of their length is free in time, the rest as
   * chunks from the earliest free time. Returns the time placed.
   */
  private place(t: PTask, budget = Number.POSITIVE_INFINITY): number {
    if (this.free.full || !this.ctx.plannable(t)) return 0;
    const missing = this.ctx.needed(t) - this.held(t);
    if (missing <= 0) return 0;
    const need = roundUpNeed(missing, this.ctx.p.limits);
    let amount = need <= budget ? need : this.partial(need, budget);
    if (amount <= 0) return 0;
    const from = alignUp(Math.max(t.release, this.ctx.p.earliest), ALIGN);
    const usable = this.usableFor(t);
    const fresh: Claim[] = [];
    // A reshuffle first gives a task back its own blocks that are still free and on time.
    for (const e of this.previous.get(t.task.id) ?? NO_BLOCKS) {
      const length = e.ref.end - e.ref.start;
      if (length > amount || !splittable(amount - length, this.ctx.p.limits)) continue;
      if (e.ref.end > t.deadline && t.tier === 'deadline') continue;
      if (!this.free.take(e.ref.start, e.ref.end)) continue;
      fresh.push({ start: e.ref.start, end: e.ref.end, existing: e });
      this.fates.set(e.ref.block.id, KEPT);
      amount -= length;
    }
    const held = this.claims.get(t.task.id) ?? NO_CLAIMS;
    for (const e of this.displaced.get(t.task.id) ?? NO_BLOCKS) {
      // A block that made room may have been given back when the attempt did not help; one placed
      // whole already (say, by overdue work going first within its budget) is not placed twice.
      if (this.fates.get(e.ref.block.id)?.state !== 'released') continue;
      if (held.some((c) => c.replaces === e)) continue;
      const length = e.ref.end - e.ref.start;
      const { limits } = this.ctx.p;
      if (length < limits.min || length > limits.max || length % MINUTE !== 0) continue;
      if (length > amount || !splittable(amount - length, limits)) continue;
      const limit = t.deadline > from && Number.isFinite(t.deadline) ? t.deadline : this.ctx.p.horizonEnd;
      const slot = this.free.findWhole(length, from, limit, usable);
      if (slot === null || !this.free.take(slot.start, slot.end)) continue;
      fresh.push({ start: slot.start, end: slot.end, existing: null, replaces: e });
      amount -= length;
    }
    if (amount > 0) {
      // Literals, not spreads: V8 makes a spread with added fields many times slower.
      for (const piece of this.chunks(t, amount, from, usable))
        fresh.push({ start: piece.start, end: piece.end, existing: null });
    }
    if (fresh.length === 0) return 0;
    this.setClaims(t.task.id, [...(this.claims.get(t.task.id) ?? []), ...fresh]);
    if (t.tier === 'unmeetable') for (const claim of fresh) this.index.add({ claim, owner: t });
    return fresh.reduce((sum, c) => sum + c.end - c.start, 0);
  }

  /**
   * Chunks for `amount` from `from` on, none across the deadline. With breaks between clients, a
   * placement that would leave the task late when one without breaks would not is not used: a
   * break never costs a deadline.
   */
  private chunks(t: PTask, amount: number, from: number, usable: Usable | undefined): Interval[] {
    const cut = Number.isFinite(t.deadline) && t.deadline > from ? t.deadline : undefined;
    let pieces = this.free.find(amount, from, { cut, usable });
    if (usable && cut !== undefined && lateBy(pieces, amount, cut)) {
      const plain = this.free.find(amount, from, { cut });
      if (!lateBy(plain, amount, cut)) pieces = plain;
    }
    this.free.takeAll(pieces);
    return pieces;
  }

  /** The largest part of `need` within `budget` that splits and leaves a rest that splits; 0 if none. */
  private partial(need: number, budget: number): number {
    const { limits } = this.ctx.p;
    let a = alignDown(Math.min(budget, need - limits.min), ALIGN);
    // Lengths that split repeat every few steps; a handful of tries finds one if any is near.
    for (let tries = 0; a >= limits.min && tries < 64; tries++, a -= ALIGN) {
      if (splittable(a, limits) && splittable(need - a, limits)) return a;
    }
    return 0;
  }

  private usableFor(t: PTask): Usable | undefined {
    const edges = this.edges;
    if (edges === null) return undefined;
    const client = t.task.clientId;
    return (free) => edges.usable(free, client);
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
    this.place(t);
    const released: Loan[] = [];
    let next = 0;
    while (this.late(t) > 0 && next < candidates.length) {
      let freed = 0;
      while (next < candidates.length && freed < this.late(t)) {
        const c = candidates[next++] as Loan;
        this.release(c, t);
        released.push(c);
        freed += lengthBefore(c.claim.start, c.claim.end, releaseLimit(t));
      }
      for (const x of this.claims.get(t.task.id) ?? [])
        if (x.existing === null) this.free.give(x.start, x.end);
      this.setClaims(
        t.task.id,
        (this.claims.get(t.task.id) ?? []).filter((c) => c.existing !== null),
      );
      this.place(t);
    }
    // Blocks whose time the task did not take after all stay where they were; of the others, the
    // part after the deadline (held back so the task could not use it) becomes free.
    for (const { claim, owner } of released) {
      const cut = Math.min(claim.end, releaseLimit(t));
      if (this.free.take(claim.start, cut)) {
        this.setClaims(owner.task.id, [...(this.claims.get(owner.task.id) ?? []), claim]);
        if (claim.existing) this.setFate(claim.existing.ref.block.id, KEPT);
      } else if (claim.end > cut) {
        this.free.give(cut, claim.end);
      }
    }
    const undo = this.undo;
    this.undo = null;
    if (this.late(t) < before) return;
    this.free.restore(undo.free);
    for (const [id, claims] of undo.claims) this.setClaims(id, claims);
    for (const [id, fate] of undo.fates) this.fates.set(id, fate);
  }

  /**
   * Time `t` may take, least urgent first: blocks of work without a deadline, then of work that is
   * late anyway (overdue, or let go by the overload policy), then of protected work, then of later
   * deadlines (latest first). Blocks of work already planned in this pass are not taken, and work
   * that was late on the calendar already takes only from the first two.
   */
  private candidates(t: PTask): Loan[] {
    const from = Math.max(t.release, this.ctx.p.earliest);
    // Work late on the calendar already does not push work that is on time: that would only move
    // the lateness around.
    const most = this.ctx.lateHeld.has(t) ? 1 : 3;
    const found: (Loan & { group: number })[] = [];
    this.index.within(from, releaseLimit(t), (loan) => {
      const group = this.groupOf(loan.owner);
      if (loan.owner !== t && group !== null && group <= most)
        found.push({ claim: loan.claim, owner: loan.owner, group });
    });
    return found.sort(
      (a, b) => a.group - b.group || b.owner.rank - a.owner.rank || b.claim.start - a.claim.start,
    );
  }

  private groupOf(owner: PTask): number | null {
    if (owner.tier === 'open-ended') return 0;
    if (owner.tier === 'unmeetable' || this.deferred.has(owner)) return 1;
    if (this.retired[owner.rank] === 1) return null;
    return owner.tier === 'protected' ? 2 : 3;
  }

  /** Frees the part of the loan before `forTask`'s deadline: only that can help it. */
  private release(loan: Loan, forTask: PTask): void {
    const { claim, owner } = loan;
    this.free.give(claim.start, Math.min(claim.end, releaseLimit(forTask)));
    this.setClaims(
      owner.task.id,
      (this.claims.get(owner.task.id) ?? []).filter((c) => c !== claim),
    );
    if (claim.existing) {
      // Time of work less urgent than `forTask` is made room; time of work let go with an earlier
      // deadline (late anyway) is a reshuffle that keeps more deadlines.
      const lessUrgent = owner.tier !== 'deadline' || owner.deadline >= forTask.deadline;
      const trigger = this.triggerOf(forTask);
      this.setFate(
        claim.existing.ref.block.id,
        lessUrgent
          ? { state: 'released', reason: 'made-room', forTaskId: forTask.task.id, trigger }
          : { state: 'released', reason: 'reshuffled-for-deadlines', trigger },
      );
      // Its owner places it again whole where it can, like a block a meeting landed on.
      if (claim.existing.kind === 'movable') {
        const list = this.displaced.get(owner.task.id);
        if (!list) this.displaced.set(owner.task.id, [claim.existing]);
        else if (!list.includes(claim.existing)) list.push(claim.existing);
      }
    }
  }

  /** What made `t` need time: a block of its own that had to go, or being new, or needing more. */
  private triggerOf(t: PTask): Trigger {
    const first = this.displaced.get(t.task.id)?.find((e) => e.invalid !== null);
    const taskId = t.task.id;
    if (first?.invalid)
      return first.busy
        ? { taskId, kind: 'displaced', reason: first.invalid, busy: first.busy }
        : { taskId, kind: 'displaced', reason: first.invalid };
    return { taskId, kind: this.ctx.p.lastChunk.has(taskId) ? 'more-time' : 'new' };
  }

  /** Every change of a task's claims goes through here: the undo log, the live set, the edges. */
  private setClaims(id: string, claims: Claim[]): void {
    const old = this.claims.get(id) ?? [];
    if (this.undo && !this.undo.claims.has(id)) this.undo.claims.set(id, old);
    const client = this.edges ? (this.ctx.p.taskById.get(id)?.task.clientId ?? '') : '';
    if (old.length > 0) {
      // A task holds a few blocks: a scan of them is cheaper than a set.
      const next = claims.length > 16 ? new Set(claims) : null;
      for (const c of old) {
        if (next ? next.has(c) : claims.includes(c)) continue;
        this.live.delete(c);
        this.edges?.remove(c, client);
      }
    }
    for (const c of claims) {
      if (this.live.has(c)) continue;
      this.live.add(c);
      this.edges?.add(c, client);
    }
    this.claims.set(id, claims);
  }

  private setFate(id: string, fate: Fate): void {
    if (this.undo && !this.undo.fates.has(id)) this.undo.fates.set(id, this.fates.get(id) as Fate);
    this.fates.set(id, fate);
  }
}

/** Whether pieces for `amount` leave part of it unplaced or after `deadline`. */
function lateBy(pieces: readonly Interval[], amount: number, deadline: number): boolean {
  let onTime = 0;
  for (const p of pieces) onTime += lengthBefore(p.start, p.end, deadline);
  return onTime < amount;
}

/** Time taken from others for `t` ends at its deadline, on the 5-minute grid new chunks use. */
function releaseLimit(t: PTask): number {
  return alignDown(t.deadline, ALIGN);
}
