import type { Capacity } from './capacity.js';
import { Heap } from './heap.js';
import type { PTask } from './input.js';

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
 * start for all, no plan keeps more. `demand(t)` is what `t` still needs before its deadline.
 *
 * `tasks` are in planning order (by target, then priority); protected work counts with its target
 * but is let go first, so it never costs a real deadline. Work that cannot fit between its start
 * date and its deadline even alone is let go at once.
 */
export function admit(args: {
  tasks: readonly PTask[];
  demand: (t: PTask) => number;
  capacity: Capacity;
  earliest: number;
  /**
   * Work late on the calendar as it is. When given, the same choice is made letting go such work
   * first; it is taken if it lets go no more tasks, so a replan keeps the calendar's decisions
   * unless changing them keeps more deadlines.
   */
  lateNow?: ReadonlySet<PTask>;
  /**
   * Time the running total overstates before an instant: what a real placement showed could not be
   * used (blocks do not pour like water). Subtracted from the room before each deadline.
   */
  overstated?: (before: number) => number;
}): Admission {
  const { tasks } = args;
  const n = tasks.length;
  const demand = new Float64Array(n);
  const weight = new Float64Array(n);
  const soft = new Uint8Array(n);
  const late = new Uint8Array(n);
  tasks.forEach((t, i) => {
    demand[i] = args.demand(t);
    weight[i] = t.weight;
    soft[i] = t.tier === 'protected' ? 1 : 0;
    late[i] = args.lateNow?.has(t) ? 1 : 0;
  });
  const facts = { demand, weight, soft, late };
  const best = choose(args, facts, false);
  if (!args.lateNow || args.lateNow.size === 0) return best;
  const sticky = choose(args, facts, true);
  return sticky.deferred.size <= best.deferred.size ? sticky : best;
}

interface Facts {
  demand: Float64Array;
  weight: Float64Array;
  soft: Uint8Array;
  late: Uint8Array;
}

/**
 * Moore and Hodgson's rule over `tasks` (by index, in planning order). Which to let go first:
 * protected work before real deadlines, then (when sticky) work late on the calendar already,
 * then the most work, then the least weight, then the later in planning order.
 */
function choose(
  args: {
    tasks: readonly PTask[];
    capacity: Capacity;
    earliest: number;
    overstated?: (before: number) => number;
  },
  f: Facts,
  sticky: boolean,
): Admission {
  const { tasks, capacity } = args;
  // Many tasks share a deadline (a due date): the room before each is looked up once.
  const rooms = new Map<number, number>();
  const room = (at: number) => {
    let r = rooms.get(at);
    if (r === undefined) {
      r = capacity.before(at) - (args.overstated?.(at) ?? 0);
      rooms.set(at, r);
    }
    return r;
  };
  const start = capacity.before(args.earliest);
  const first = (a: number, b: number): boolean => {
    if (f.soft[a] !== f.soft[b]) return f.soft[a] === 1;
    if (sticky && f.late[a] !== f.late[b]) return f.late[a] === 1;
    if (f.demand[a] !== f.demand[b]) return (f.demand[a] as number) > (f.demand[b] as number);
    if (f.weight[a] !== f.weight[b]) return (f.weight[a] as number) < (f.weight[b] as number);
    return a > b;
  };
  const out = new Uint8Array(tasks.length);
  const heap = new Heap<number>(first);
  let total = 0;
  tasks.forEach((t, i) => {
    const d = f.demand[i] as number;
    if (d <= 0) return;
    // Work that cannot fit between its start date and its deadline even alone is late whatever
    // happens: it takes no one's place.
    const alone = t.release > args.earliest ? capacity.between(t.release, t.target) : room(t.target) - start;
    if (alone < d) {
      out[i] = 1;
      return;
    }
    heap.push(i);
    total += d;
    const limit = room(t.target);
    while (total > limit && heap.size > 0) {
      const gone = heap.pop() as number;
      out[gone] = 1;
      total -= f.demand[gone] as number;
    }
  });
  const deferred = new Set<PTask>();
  let slack = Number.POSITIVE_INFINITY;
  let taken = 0;
  tasks.forEach((t, i) => {
    if (out[i]) {
      deferred.add(t);
      return;
    }
    const d = f.demand[i] as number;
    if (t.tier !== 'deadline' || d <= 0) return;
    taken += d;
    slack = Math.min(slack, room(t.target) - taken);
  });
  return { deferred, slack: Math.max(0, slack) };
}
