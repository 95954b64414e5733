import type { Capacity } from './capacity.js';
import { MinHeap } from './heap.js';
import type { PTask } from './input.js';
import { letGoOrder, stickyFrom } from './let-go-order.js';
import { TaskSet, type TaskSetView } from './task-set.js';

/** What the overload policy decided before any block is placed. */
export interface Admission {
  /**
   * Work with a deadline (or protected work) that the policy lets be late so that more deadlines are
   * kept: planned after all work that can still make it.
   */
  deferred: TaskSetView;
  /**
   * How much work can go before all the admitted work without making any of it late (the least
   * slack over their deadlines): overdue work goes first up to this.
   */
  slack: number;
}

/**
 * Which deadlines to keep when not all can be (Moore and Hodgson's rule, on the free time as a
 * running total): take the work in deadline order; whenever what is taken no longer fits before the
 * latest deadline so far, let go the piece of work with the most time (protected work first, and of
 * equal lengths the least important). Letting go the longest keeps the most deadlines: with one
 * start for all, no plan keeps more.
 *
 * `tasks` are in planning order (by target, then priority), with `demand(t)` what each still needs
 * before its target. Protected work counts with its target but is let go first, so it never costs
 * a real deadline. Work that cannot fit between its start date and its deadline even alone is let
 * go at once. What the rule reads is gathered once per plan, in typed arrays: a plan may weigh tens
 * of thousands of tasks several times.
 */
export class Admitter {
  private readonly n: number;
  /** Per task (in the order given): what it needs before its target (`demand`). */
  readonly demand: Float64Array;
  private readonly weight: Float64Array;
  private readonly soft: Uint8Array;
  /** Late on the calendar as it is. */
  private readonly late: Uint8Array;
  /** Fits between its start date and its target with no other work. */
  private readonly alone: Uint8Array;
  /** Usable time before each task's target. */
  readonly room: Float64Array;
  private readonly capacity: Capacity;
  private readonly earliest: number;
  private readonly ranks: number;
  /** The order to let work go in, without and with work late already first (`letGoOrder`). */
  private readonly orders: ({ rank: Int32Array; byRank: Int32Array } | null)[] = [null, null];

  /**
   * Choices already made, by what they depend on: those without work late first read neither
   * `late` nor anything that differs between the rounds of a plan, so a later round's admitter
   * over the same work and free time shares them (`plain`); the others only with the same `late`.
   */
  private readonly plain: Map<string, Admission>;
  private readonly sticky: Map<string, Admission>;
  /** Planning orders made from a choice (`PlanContext.onTime`), by the overdue work going first. */
  private readonly planningOrders: WeakMap<Admission, Map<number, PTask[]>>;

  /**
   * `previous`: the admitter of the plan's round before. What it read is taken over when this one
   * would read the same (the same work, free time and demand): a plan is planned again up to four
   * times, and mostly only its blocks differ.
   */
  constructor(
    readonly tasks: readonly PTask[],
    args: {
      demand: (t: PTask) => number;
      capacity: Capacity;
      earliest: number;
      /** Work late on the calendar as it is (see `admit`). */
      lateNow: TaskSetView;
      /** How many tasks the plan has (every rank is below it). */
      ranks: number;
    },
    previous: Admitter | null = null,
  ) {
    const { capacity, earliest } = args;
    const n = tasks.length;
    this.n = n;
    this.ranks = args.ranks;
    this.capacity = capacity;
    this.demand = new Float64Array(n);
    this.late = new Uint8Array(n);
    tasks.forEach((t, i) => {
      this.demand[i] = args.demand(t);
      this.late[i] = args.lateNow.has(t) ? 1 : 0;
    });
    if (
      previous !== null &&
      previous.tasks === tasks &&
      previous.capacity === capacity &&
      previous.earliest === earliest &&
      sameValues(previous.demand, this.demand)
    ) {
      // Same work, same free time: only which work is late already may differ.
      this.demand = previous.demand;
      this.weight = previous.weight;
      this.soft = previous.soft;
      this.alone = previous.alone;
      this.room = previous.room;
      this.earliest = earliest;
      this.orders[0] = previous.orders[0] as Admitter['orders'][number];
      this.plain = previous.plain;
      this.planningOrders = previous.planningOrders;
      const sameLate = sameValues(previous.late, this.late);
      if (sameLate) this.late = previous.late;
      this.orders[1] = sameLate ? (previous.orders[1] as Admitter['orders'][number]) : null;
      this.sticky = sameLate ? previous.sticky : new Map();
      return;
    }
    this.earliest = earliest;
    this.plain = new Map();
    this.planningOrders = new WeakMap();
    this.sticky = new Map();
    this.weight = new Float64Array(n);
    this.soft = new Uint8Array(n);
    this.alone = new Uint8Array(n);
    this.room = new Float64Array(n);
    // Many tasks share a deadline (a due date): the room before each is looked up once.
    const rooms = new Map<number, number>();
    const start = capacity.before(earliest);
    tasks.forEach((t, i) => {
      let room = rooms.get(t.target);
      if (room === undefined) {
        room = capacity.before(t.target);
        rooms.set(t.target, room);
      }
      const d = this.demand[i] as number;
      this.weight[i] = t.weight;
      this.soft[i] = t.tier === 'protected' ? 1 : 0;
      this.room[i] = room;
      const free = t.release > earliest ? capacity.between(t.release, t.target) : room - start;
      this.alone[i] = free >= d ? 1 : 0;
    });
  }

  /**
   * The policy's choice. With work late on the calendar already, the same choice is also made
   * letting go such work first; it is taken if it lets go no more tasks, so a replan keeps the
   * calendar's decisions unless changing them keeps more deadlines. `shortBy`: work a pass showed
   * late after all (blocks do not pour like water): its late time counts as time the running total
   * overstated before its deadline, taken off the room before each deadline at or after it.
   */
  admit(shortBy?: readonly { deadline: number; late: number }[]): Admission {
    const sorted = shortBy ? [...shortBy].sort((a, b) => a.deadline - b.deadline) : null;
    const key = sorted ? `>${sorted.map((s) => `${s.deadline}:${s.late}`).join(' ')}` : '';
    const overstated = sorted
      ? (before: number) => {
          let sum = 0;
          for (const s of sorted) if (s.deadline <= before) sum += s.late;
          return sum;
        }
      : undefined;
    const best = memo(this.plain, key, () => this.choose(false, overstated));
    if (!this.late.includes(1)) return best;
    const sticky = memo(this.sticky, key, () => this.choose(true, overstated));
    return sticky.deferred.size <= best.deferred.size ? sticky : best;
  }

  /**
   * The planning order `make` gives for a choice of this admitter's (or of one it took over) with
   * `used` time of overdue work going first: made once, as it reads only the figures shared.
   */
  sequenced(admission: Admission, used: number, make: () => PTask[]): PTask[] {
    let byUsed = this.planningOrders.get(admission);
    if (!byUsed) {
      byUsed = new Map();
      this.planningOrders.set(admission, byUsed);
    }
    return memo(byUsed, used, make);
  }

  /**
   * Which work to let go first: protected work, then (when sticky) work late already, then the most
   * work, then the least weight, then the later in planning order. A total order, sorted once per
   * plan (every `admit` reuses it): `byRank[k]` is the k-th to go, `rank[i]` the place of task i.
   */
  private letGoOrder(sticky: boolean): { rank: Int32Array; byRank: Int32Array } {
    const cached = this.orders[sticky ? 1 : 0];
    if (cached) return cached;
    const { demand, weight, soft, late } = this;
    const byRank = sticky
      ? stickyFrom(this.letGoOrder(false).byRank, { soft, late })
      : letGoOrder({ demand, weight, soft, late }, false);
    const rank = new Int32Array(this.n);
    byRank.forEach((i, k) => {
      rank[i] = k;
    });
    const order = { rank, byRank };
    this.orders[sticky ? 1 : 0] = order;
    return order;
  }

  private choose(sticky: boolean, overstated?: (before: number) => number): Admission {
    const { tasks, demand } = this;
    // The room before each task's target, less what the running total overstated before it (found
    // once per target: many tasks share one).
    let room = this.room;
    if (overstated) {
      room = new Float64Array(this.n);
      const penalty = new Map<number, number>();
      for (let i = 0; i < this.n; i++) {
        const at = (tasks[i] as PTask).target;
        let p = penalty.get(at);
        if (p === undefined) {
          p = overstated(at);
          penalty.set(at, p);
        }
        room[i] = (this.room[i] as number) - p;
      }
    }
    const { rank, byRank } = this.letGoOrder(sticky);
    const out = new Uint8Array(this.n);
    // Ranks in the heap: the smallest is the work to let go first.
    const heap = new MinHeap(this.n);
    let total = 0;
    for (let i = 0; i < this.n; i++) {
      const d = demand[i] as number;
      if (d <= 0) continue;
      if (!this.alone[i]) {
        out[i] = 1;
        continue;
      }
      heap.push(rank[i] as number);
      total += d;
      const limit = room[i] as number;
      while (total > limit && heap.size > 0) {
        const gone = byRank[heap.pop() as number] as number;
        out[gone] = 1;
        total -= demand[gone] as number;
      }
    }
    const deferred = new TaskSet(this.ranks);
    let slack = Number.POSITIVE_INFINITY;
    let taken = 0;
    for (let i = 0; i < this.n; i++) {
      const t = tasks[i] as PTask;
      if (out[i]) {
        deferred.add(t);
        continue;
      }
      const d = demand[i] as number;
      if (t.tier !== 'deadline' || d <= 0) continue;
      taken += d;
      slack = Math.min(slack, (room[i] as number) - taken);
    }
    return { deferred, slack: Math.max(0, slack) };
  }
}

function memo<K, T>(known: Map<K, T>, key: K, make: () => T): T {
  let value = known.get(key);
  if (value === undefined) {
    value = make();
    known.set(key, value);
  }
  return value;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
