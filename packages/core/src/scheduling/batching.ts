import type { Batching } from '../config/planner-schema.js';
import type { Capacity } from './capacity.js';
import type { PTask } from './input.js';

/**
 * The order to plan work in when a client's blocks should stay together: deadline order, except
 * that after a task of one client another task of the same client goes next when no deadline
 * suffers for it. Work is treated as fluid on the free time's running total (`Capacity`): pulling
 * task x ahead delays every task between the head of the line and x by x's length, so it may go
 * only if each of those has at least that much slack left. `adjacent` pulls only work due within
 * about a day's work (`dayWork`) of the head of the line; `client-days` pulls from anywhere, so a
 * client's work fills whole days. O(n log n): slack lives in a segment tree, work ahead in a
 * Fenwick tree.
 */
export function batchOrder(args: {
  tasks: readonly PTask[];
  demand: (t: PTask) => number;
  capacity: Capacity;
  batching: Exclude<Batching, 'off'>;
  dayWork: number;
  earliest: number;
}): PTask[] {
  const { tasks, capacity } = args;
  const n = tasks.length;
  if (n < 3) return [...tasks];
  const need = tasks.map((t) => Math.max(0, args.demand(t)));
  const slack = new SlackTree(n);
  const ahead = new Fenwick(n);
  let prefix = 0;
  tasks.forEach((t, i) => {
    prefix += need[i] as number;
    slack.set(i, Number.isFinite(t.target) ? capacity.before(t.target) - prefix : Number.POSITIVE_INFINITY);
    ahead.add(i, need[i] as number);
  });
  const byClient = new Map<string, number[]>();
  tasks.forEach((t, i) => {
    const list = byClient.get(t.task.clientId);
    if (list) list.push(i);
    else byClient.set(t.task.clientId, [i]);
  });
  const cursor = new Map<string, number>();
  const taken = new Uint8Array(n);
  const out: PTask[] = [];
  let head = 0;
  let last: string | null = null;
  const take = (i: number, from: number) => {
    // Everything pending before i now waits for i as well.
    if (i > from) slack.add(from, i, -(need[i] as number));
    slack.set(i, Number.POSITIVE_INFINITY);
    ahead.add(i, -(need[i] as number));
    taken[i] = 1;
    out.push(tasks[i] as PTask);
    last = (tasks[i] as PTask).task.clientId;
  };
  while (out.length < n) {
    while (taken[head]) head++;
    let choice = head;
    if (last !== null && (tasks[head] as PTask).task.clientId !== last) {
      const x = nextOf(byClient.get(last) ?? [], cursor, last, taken);
      if (x !== null) {
        const t = tasks[x] as PTask;
        const near = args.batching === 'client-days' || ahead.sum(x) <= args.dayWork;
        const free = !(t.release > args.earliest);
        if (near && free && slack.min(head, x) >= (need[x] as number)) choice = x;
      }
    }
    take(choice, head);
  }
  return out;
}

/** The next task of `client` not yet taken, in deadline order. */
function nextOf(
  list: number[],
  cursor: Map<string, number>,
  client: string,
  taken: Uint8Array,
): number | null {
  let at = cursor.get(client) ?? 0;
  while (at < list.length && taken[list[at] as number]) at++;
  cursor.set(client, at);
  return at < list.length ? (list[at] as number) : null;
}

/** Range add, range minimum, point set. */
class SlackTree {
  private readonly size: number;
  private readonly low: Float64Array;
  private readonly lazy: Float64Array;

  constructor(n: number) {
    this.size = n;
    this.low = new Float64Array(4 * n).fill(Number.POSITIVE_INFINITY);
    this.lazy = new Float64Array(4 * n);
  }

  set(i: number, value: number): void {
    this.walkSet(1, 0, this.size - 1, i, value);
  }

  /** Adds `by` to positions `[from, to)`. */
  add(from: number, to: number, by: number): void {
    this.walkAdd(1, 0, this.size - 1, from, to - 1, by);
  }

  /** The minimum over `[from, to)`. */
  min(from: number, to: number): number {
    return to <= from ? Number.POSITIVE_INFINITY : this.walkMin(1, 0, this.size - 1, from, to - 1);
  }

  private push(node: number): void {
    const z = this.lazy[node] as number;
    if (z === 0) return;
    for (const c of [2 * node, 2 * node + 1]) {
      this.low[c] = (this.low[c] as number) + z;
      this.lazy[c] = (this.lazy[c] as number) + z;
    }
    this.lazy[node] = 0;
  }

  private pull(node: number): void {
    this.low[node] = Math.min(this.low[2 * node] as number, this.low[2 * node + 1] as number);
  }

  private walkSet(node: number, lo: number, hi: number, i: number, value: number): void {
    if (lo === hi) {
      this.low[node] = value;
      return;
    }
    this.push(node);
    const mid = (lo + hi) >> 1;
    if (i <= mid) this.walkSet(2 * node, lo, mid, i, value);
    else this.walkSet(2 * node + 1, mid + 1, hi, i, value);
    this.pull(node);
  }

  private walkAdd(node: number, lo: number, hi: number, a: number, b: number, by: number): void {
    if (b < lo || hi < a) return;
    if (a <= lo && hi <= b) {
      this.low[node] = (this.low[node] as number) + by;
      this.lazy[node] = (this.lazy[node] as number) + by;
      return;
    }
    this.push(node);
    const mid = (lo + hi) >> 1;
    this.walkAdd(2 * node, lo, mid, a, b, by);
    this.walkAdd(2 * node + 1, mid + 1, hi, a, b, by);
    this.pull(node);
  }

  private walkMin(node: number, lo: number, hi: number, a: number, b: number): number {
    if (b < lo || hi < a) return Number.POSITIVE_INFINITY;
    if (a <= lo && hi <= b) return this.low[node] as number;
    this.push(node);
    const mid = (lo + hi) >> 1;
    return Math.min(this.walkMin(2 * node, lo, mid, a, b), this.walkMin(2 * node + 1, mid + 1, hi, a, b));
  }
}

/** Prefix sums with point updates: the work still pending before a position. */
class Fenwick {
  private readonly tree: Float64Array;

  constructor(n: number) {
    this.tree = new Float64Array(n + 1);
  }

  add(i: number, by: number): void {
    for (let k = i + 1; k < this.tree.length; k += k & -k) this.tree[k] = (this.tree[k] as number) + by;
  }

  /** Sum over positions `[0, i)`. */
  sum(i: number): number {
    let s = 0;
    for (let k = i; k > 0; k -= k & -k) s += this.tree[k] as number;
    return s;
  }
}
