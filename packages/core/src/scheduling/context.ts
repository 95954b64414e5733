import type { Interval } from '../time/zoned.js';
import { type Admission, Admitter } from './admission.js';
import { batchOrder } from './batching.js';
import { Capacity } from './capacity.js';
import { roundUpNeed } from './chunking.js';
import type { Existing } from './existing.js';
import type { Prepared, PTask } from './input.js';
import { lengthBefore, mergeIntervals, subtractIntervals } from './intervals.js';
import type { PassStart } from './pass-start.js';
import { TaskSet, type TaskSetView } from './task-set.js';

/** What a round's context leaves the next round of the plan (see `Prepared.rounds`). */
export interface RoundShare {
  ranked: readonly PTask[];
  open: readonly Interval[];
  fixedSpans: readonly Interval[];
  unfixed: Interval[];
  capacity: Capacity;
  overdue: PTask[];
  dated: PTask[];
  openEnded: PTask[];
  admitter: Admitter;
}

/**
 * What every pass of one plan shares: the blocks that never move, the free time around them, each
 * task's need, and the overload policy's decision (which deadlines to let go, how much overdue work
 * may go first), made once on the free time as a running total.
 */
export class PlanContext {
  /** Per task: the parts after `now` of its fixed blocks (started or moved by the VA). */
  readonly fixed = new Map<string, Interval[]>();
  /** Fixed blocks, merged. */
  readonly fixedSpans: Interval[];
  /** Working time less busy time ± buffer, on the 5-minute grid, from the earliest start to the horizon. */
  readonly open: Interval[];
  /** `open` less the fixed blocks: where a pass starts from. */
  readonly unfixed: Interval[];
  /** `open` less the fixed blocks, as a running total. */
  readonly capacity: Capacity;
  readonly admission: Admission;
  private readonly admitter: Admitter;
  /** Where passes start, by how they keep blocks (`startOf`). */
  readonly starts = new Map<string, PassStart>();
  /** Tasks by tier, each in planning order. */
  readonly overdue: PTask[];
  readonly dated: PTask[];
  readonly openEnded: PTask[];
  /** Per task: minutes of all its existing future blocks; the need when the estimate is missing. */
  private readonly existingTotal = new Map<string, number>();
  private readonly batched = new WeakMap<Admission, PTask[]>();
  private readonly sequenced = new WeakMap<Admission, PTask[]>();
  private unheldBase: { tasks: PTask[]; weighted: number } | null = null;
  private readonly unheld = new WeakMap<
    TaskSetView,
    { tasks: number; weighted: number; unplanned: number }
  >();
  /**
   * Work with a deadline (or protected work) late on the calendar as it is: the decisions an
   * earlier plan made. A replan keeps them unless changing them keeps more deadlines.
   */
  readonly lateNow: TaskSetView;
  /**
   * Of those, work that holds blocks (late ones, or too few): the calendar is never reshuffled for
   * it, and it takes time only from work that is late anyway. (Work without blocks may be new.)
   */
  readonly lateHeld: TaskSetView;

  constructor(
    readonly p: Prepared,
    readonly existing: readonly Existing[],
  ) {
    const spans: Interval[] = [];
    for (const e of existing) {
      const id = e.task?.task.id;
      const futureStart = Math.max(e.ref.start, p.now);
      if (id !== undefined && e.ref.end > futureStart && e.kind !== 'gone') {
        this.existingTotal.set(id, (this.existingTotal.get(id) ?? 0) + e.ref.end - futureStart);
      }
      if (e.kind === 'fixed') {
        spans.push({ start: e.ref.start, end: e.ref.end });
        if (id !== undefined && e.ref.end > futureStart) {
          const list = this.fixed.get(id);
          const part = { start: futureStart, end: e.ref.end };
          if (list) list.push(part);
          else this.fixed.set(id, [part]);
        }
      }
    }
    this.fixedSpans = mergeIntervals(spans);
    this.open = p.open();
    // A later round of the plan: the same tasks, and the same free time unless the fixed blocks
    // differ; the admitter takes over what still applies of the last one.
    const last = p.rounds.last;
    const same =
      last !== null &&
      last.ranked === p.ranked &&
      last.open === this.open &&
      sameIntervals(last.fixedSpans, this.fixedSpans);
    this.unfixed = same ? last.unfixed : subtractIntervals(this.open, this.fixedSpans);
    this.capacity = same ? last.capacity : new Capacity(this.unfixed, p.limits.min);
    this.overdue = same ? last.overdue : p.ranked.filter((t) => t.tier === 'unmeetable');
    this.dated = same ? last.dated : p.ranked.filter((t) => t.tier === 'deadline' || t.tier === 'protected');
    this.openEnded = same ? last.openEnded : p.ranked.filter((t) => t.tier === 'open-ended');
    const { late, held } = this.findLateNow();
    this.lateNow = late;
    this.lateHeld = held;
    this.admitter = new Admitter(
      same ? last.admitter.tasks : this.dated.filter((t) => this.plannable(t)),
      {
        demand: (t) => this.demand(t),
        capacity: this.capacity,
        earliest: p.earliest,
        lateNow: this.lateNow,
        ranks: p.ranked.length,
      },
      same ? last.admitter : null,
    );
    this.admission = this.admitter.admit();
    // Only what the next round may take over is kept, not this round's passes.
    p.rounds.last = {
      ranked: p.ranked,
      open: this.open,
      fixedSpans: this.fixedSpans,
      unfixed: this.unfixed,
      capacity: this.capacity,
      overdue: this.overdue,
      dated: this.dated,
      openEnded: this.openEnded,
      admitter: this.admitter,
    };
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

  /** What the task still needs before its target beyond its fixed blocks: what the policy weighs. */
  demand(t: PTask): number {
    // Most plans have no fixed block in the future: no lookup per task then.
    const list = this.fixed.size === 0 ? undefined : this.fixed.get(t.task.id);
    if (list === undefined) return this.needed(t);
    let fixed = 0;
    for (const c of list) fixed += lengthBefore(c.start, c.end, t.target);
    return this.needed(t) - fixed;
  }

  /**
   * Lateness if no task held anything beyond its fixed blocks, over the work without fixed blocks
   * (a pass adds what the work holding blocks changes). `deferred`: the policy's choice in force.
   */
  unheldLateness(deferred: TaskSetView): { tasks: number; weighted: number; unplanned: number } {
    let sum = this.unheld.get(deferred);
    if (!sum) {
      // The work and its weighted need are the same whatever the policy chose: gathered once.
      if (!this.unheldBase) {
        const base = { tasks: [] as PTask[], weighted: 0 };
        for (const t of this.dated) {
          if (t.tier !== 'deadline' || !this.plannable(t) || this.fixed.has(t.task.id)) continue;
          const late = this.needed(t);
          if (late <= 0) continue;
          base.tasks.push(t);
          base.weighted += late * t.weight;
        }
        this.unheldBase = base;
      }
      const { tasks, weighted } = this.unheldBase;
      sum = { tasks: tasks.length, weighted, unplanned: 0 };
      for (const t of tasks) if (!deferred.has(t) && !this.lateHeld.has(t)) sum.unplanned++;
      this.unheld.set(deferred, sum);
    }
    return sum;
  }

  /** Work whose usable blocks on the calendar as it is do not hold its need before its target. */
  private findLateNow(): { late: TaskSet; held: TaskSet } {
    const onTime = new Map<PTask, number>();
    for (const e of this.existing) {
      if ((e.kind !== 'fixed' && e.kind !== 'movable') || e.task === null) continue;
      if (e.kind === 'movable' && e.invalid !== null) continue;
      const t = e.task;
      if (e.ref.end <= this.p.now) continue;
      const part = lengthBefore(Math.max(e.ref.start, this.p.now), e.ref.end, t.target);
      onTime.set(t, (onTime.get(t) ?? 0) + part);
    }
    const late = new TaskSet(this.p.ranked.length);
    const held = new TaskSet(this.p.ranked.length);
    if (onTime.size === 0) return { late, held };
    for (const t of this.dated) {
      const part = onTime.get(t);
      if ((part ?? 0) >= this.needed(t)) continue;
      late.add(t);
      if (part !== undefined) held.add(t);
    }
    return { late, held };
  }

  /**
   * The overload policy's decision again, after a pass showed that the blocks could not hold what
   * the running total promised: each late minute of work it meant to keep counts as time that was
   * never there, before that work's deadline. So more work is let go where it fell short, and a
   * replan can keep the calendar's blocks instead of reshuffling it.
   */
  readmit(shortBy: readonly { deadline: number; late: number }[]): Admission {
    return this.admitter.admit(shortBy);
  }

  /**
   * The work that can make its deadline, in the order to plan it (batched when the settings ask).
   * Work the policy let go goes in at its place in deadline order too, when every deadline kept after
   * it has the slack for it: then it finishes soon after its own deadline instead of after all other
   * work; otherwise it waits for the end.
   */
  onTime(opts: { admission: Admission | null; batch: boolean }): PTask[] {
    const { admission } = opts;
    if (!admission) return this.dated.filter((t) => t.tier === 'deadline');
    const { batching } = this.p.prefs;
    if (!opts.batch || batching === 'off') {
      let order = this.sequenced.get(admission);
      if (!order) {
        // Overdue work going first uses slack too.
        const used = Math.min(
          admission.slack,
          this.overdue.reduce((sum, t) => sum + (this.plannable(t) ? Math.max(0, this.needed(t)) : 0), 0),
        );
        // The order reads only the admitter's figures besides `used`: a later round with the same
        // admitter's figures takes the order the last one made.
        order = this.admitter.sequenced(admission, used, () => this.sequence(admission, used));
        this.sequenced.set(admission, order);
      }
      return order;
    }
    let order = this.batched.get(admission);
    if (!order) {
      order = batchOrder({
        tasks: this.dated.filter((t) => !admission.deferred.has(t)),
        demand: (t) => this.demand(t),
        capacity: this.capacity,
        batching,
        dayWork: this.dayWork(),
        earliest: this.p.earliest,
      });
      this.batched.set(admission, order);
    }
    return order;
  }

  /** Deadline order with the let-go work that fits the slack of all kept work after it. */
  private sequence(admission: Admission, overdueFirst: number): PTask[] {
    // The plannable work with a target, with its demand and the room before its target: the
    // admitter's, read once per plan.
    const { tasks: list, demand, room } = this.admitter;
    // Slack of each kept deadline on the running total, and the least slack from each place on.
    const after = new Float64Array(list.length + 1).fill(Number.POSITIVE_INFINITY);
    let taken = 0;
    const slack = new Float64Array(list.length);
    list.forEach((t, i) => {
      if (admission.deferred.has(t) || t.tier !== 'deadline') {
        slack[i] = Number.POSITIVE_INFINITY;
        return;
      }
      taken += Math.max(0, demand[i] as number);
      slack[i] = (room[i] as number) - taken;
    });
    for (let i = list.length - 1; i >= 0; i--)
      after[i] = Math.min(after[i + 1] as number, slack[i] as number);
    let used = overdueFirst;
    const out: PTask[] = [];
    list.forEach((t, i) => {
      if (!admission.deferred.has(t)) {
        out.push(t);
        return;
      }
      const d = Math.max(0, demand[i] as number);
      if (t.tier === 'deadline' && t.release <= this.p.earliest && (after[i + 1] as number) >= used + d) {
        out.push(t);
        used += d;
      }
    });
    return out;
  }

  /** Free working time on an average working day of the horizon. */
  private dayWork(): number {
    const days = new Set(this.open.map((o) => Math.floor(o.start / 86_400_000)));
    return days.size === 0 ? 0 : this.capacity.total / days.size;
  }
}

function sameIntervals(a: readonly Interval[], b: readonly Interval[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Interval;
    const y = b[i] as Interval;
    if (x.start !== y.start || x.end !== y.end) return false;
  }
  return true;
}
