import type { Capacity } from './capacity.js';
import { MinHeap } from './heap.js';
import type { PTask } from './input.js';
import { letGoOrder } from './let-go-order.js';

/** What the overload policy decided before any block is placed. */
export interface Admission {
  /**
   * Work with a deadline (or protected work) that the policy lets be late so that more deadlines are
   * kept: planned after all work that can still make it.
   */
  deferred: Set<PTask>;
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
  /** The order to let work go in, without and with work late already first (`letGoOrder`). */
  private readonly orders: ({ rank: Int32Array; byRank: Int32Array } | null)[] = [null, null];

  constructor(
    readonly tasks: readonly PTask[],
    args: {
      demand: (t: PTask) => number;
      capacity: Capacity;
      earliest: number;
      /** Work late on the calendar as it is (see `admit`). */
      lateNow: ReadonlySet<PTask>;
    },
  ) {
    const { capacity, earliest } = args;
    const n = tasks.length;
    this.n = n;
    this.demand = new Float64Array(n);
    this.weight = new Float64Array(n);
    this.soft = new Uint8Array(n);
    this.late = new Uint8Array(n);
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
      const d = args.demand(t);
      this.demand[i] = d;
      this.weight[i] = t.weight;
      this.soft[i] = t.tier === 'protected' ? 1 : 0;
      this.late[i] = args.lateNow.has(t) ? 1 : 0;
      this.room[i] = room;
      const free = t.release > earliest ? capacity.between(t.release, t.target) : room - start;
      this.alone[i] = free >= d ? 1 : 0;
    });
  }

  /**
   * The policy's choice. With work late on the calendar already, the same choice is also made
   * letting go such work first; it is taken if it lets go no more tasks, so a replan keeps the
   * calendar's decisions unless changing them keeps more deadlines. `overstated(x)`: time the
   * running total was shown to overstate before `x` (blocks do not pour like water), taken off the
   * room before each deadline.
   */
  admit(overstated?: (before: number) => number): Admission {
    const best = this.choose(false, overstated);
    if (!this.late.includes(1)) return best;
    const sticky = this.choose(true, overstated);
    return sticky.deferred.size <= best.deferred.size ? sticky : best;
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
    const byRank = letGoOrder({ demand, weight, soft, late }, sticky);
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
    const penalty = new Map<number, number>();
    const room = (i: number) => {
      if (!overstated) return this.room[i] as number;
      const at = (tasks[i] as PTask).target;
      let p = penalty.get(at);
      if (p === undefined) {
        p = overstated(at);
        penalty.set(at, p);
      }
      return (this.room[i] as number) - p;
    };
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
      const limit = room(i);
      while (total > limit && heap.size > 0) {
        const gone = byRank[heap.pop() as number] as number;
        out[gone] = 1;
        total -= demand[gone] as number;
      }
    }
    const deferred = new Set<PTask>();
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
      slack = Math.min(slack, room(i) - taken);
    }
    return { deferred, slack: Math.max(0, slack) };
  }
}
