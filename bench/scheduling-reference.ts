import {
  endOfLocalDate,
  type Interval,
  localDateOf,
  type PlanInput,
  type PlanResult,
  startOfLocalDate,
  Temporal,
  workingWindows,
  // From source: see scheduling.bench.ts.
} from '../packages/core/src/index.js';

/**
 * The references the scheduling benchmarks measure the engine against, written plainly and apart
 * from the engine (none of its modules is used): reading a plan input into free intervals and
 * tasks, earliest-deadline-first with preemption over those intervals (the plain greedy), a
 * max-flow upper bound for on-time minutes, and the figures both are judged by.
 */
export const MINUTE = 60_000;
const GRID = 5 * MINUTE;

export interface RefTask {
  id: string;
  clientId: string;
  /** Minutes (ms) to place: the estimate, at least one minimum block. */
  need: number;
  /** -Infinity without a start date. */
  release: number;
  /** Infinity without a deadline. */
  deadline: number;
}

export interface RefInput {
  earliest: number;
  horizonEnd: number;
  /** Working time less busy time ± buffer, on the 5-minute grid, from `earliest` to the horizon. */
  free: Interval[];
  /** Open tasks of configured clients that have an estimate. */
  tasks: RefTask[];
  limits: { min: number; max: number };
}

/** What any planner reads from the input: instants, deadlines in the clients' zones, free time. */
export function readInput(input: PlanInput): RefInput {
  const s = input.settings;
  const zone = input.va.timezone;
  const now = Date.parse(input.now);
  const earliest = Math.ceil((now + s.earliestStartMinutes * MINUTE) / GRID) * GRID;
  const today = Temporal.PlainDate.from(localDateOf(now, zone));
  const horizonEnd = startOfLocalDate(today.add({ days: s.horizonDays }).toString(), zone);
  const buffer = s.bufferMinutes * MINUTE;
  const busy = input.busy
    .map((b) => ({ start: Date.parse(b.start) - buffer, end: Date.parse(b.end) + buffer }))
    .sort((a, b) => a.start - b.start);
  const windows = workingWindows(input.va.workingHours, zone, earliest, horizonEnd);
  const free: Interval[] = [];
  let j = 0;
  for (const w of windows) {
    let at = w.start;
    while (j < busy.length && (busy[j] as Interval).end <= at) j++;
    for (let k = j; k < busy.length && (busy[k] as Interval).start < w.end; k++) {
      const b = busy[k] as Interval;
      if (b.start > at) push(free, at, b.start);
      at = Math.max(at, b.end);
    }
    if (at < w.end) push(free, at, w.end);
  }
  const zones = new Map(input.clients.map((c) => [c.id, c.timezone]));
  const dates = new Map<string, number>();
  const resolve = (due: PlanInput['tasks'][number]['due'], tz: string, end: boolean): number | null => {
    if (due === null) return null;
    if (due.kind === 'instant') return Date.parse(due.at);
    const key = `${end}|${due.date}|${tz}`;
    let ms = dates.get(key);
    if (ms === undefined) {
      ms = end ? endOfLocalDate(due.date, tz) : startOfLocalDate(due.date, tz);
      dates.set(key, ms);
    }
    return ms;
  };
  const min = s.minBlockMinutes * MINUTE;
  const tasks: RefTask[] = [];
  for (const t of input.tasks) {
    const tz = zones.get(t.clientId);
    if (t.status !== 'open' || tz === undefined || t.estimateMinutes === null) continue;
    tasks.push({
      id: t.id,
      clientId: t.clientId,
      need: Math.max(min, Math.ceil(t.estimateMinutes) * MINUTE),
      release: resolve(t.startOn, tz, false) ?? Number.NEGATIVE_INFINITY,
      deadline: resolve(t.due, tz, true) ?? Number.POSITIVE_INFINITY,
    });
  }
  return { earliest, horizonEnd, free, tasks, limits: { min, max: s.maxBlockMinutes * MINUTE } };
}

/** Appends `[start, end)` shrunk inward to the 5-minute grid, merging with a touching last one. */
function push(list: Interval[], start: number, end: number): void {
  const s = Math.ceil(start / GRID) * GRID;
  const e = Math.floor(end / GRID) * GRID;
  if (e <= s) return;
  const last = list[list.length - 1];
  if (last && last.end >= s) last.end = Math.max(last.end, e);
  else list.push({ start: s, end: e });
}

/**
 * Earliest deadline first with preemption: tasks by deadline (then id), each placed in the earliest
 * free time at or after its start date, split across free stretches, in blocks within the minimum
 * and maximum (never leaving a rest shorter than a minimum block). Placing each task in deadline
 * order into the earliest time left is the preemptive EDF schedule. The plain greedy of the speed
 * benchmark, and the reference of the quality benchmark.
 */
export function edfGreedy(ref: RefInput): Map<string, Interval[]> {
  const { min, max } = ref.limits;
  const free = ref.free.map((f) => ({ ...f }));
  let head = 0;
  const order = [...ref.tasks].sort(
    (a, b) => a.deadline - b.deadline || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const out = new Map<string, Interval[]>();
  for (const task of order) {
    while (head < free.length && (free[head] as Interval).end - (free[head] as Interval).start < min) head++;
    let i = head;
    if (task.release > ref.earliest) {
      let lo = head;
      let hi = free.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((free[mid] as Interval).end <= task.release) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
    }
    let left = task.need;
    const pieces: Interval[] = [];
    for (; left > 0 && i < free.length; i++) {
      const f = free[i] as Interval;
      const start = Math.max(f.start, task.release);
      let len = Math.min(left, max, f.end - start);
      if (left - len > 0 && left - len < min) len = left - min;
      if (len < min) continue;
      pieces.push({ start, end: start + len });
      left -= len;
      if (start === f.start) f.start += len;
      else {
        free.splice(i + 1, 0, { start: start + len, end: f.end });
        f.end = start;
      }
    }
    out.set(task.id, pieces);
  }
  return out;
}

/** The engine's blocks from `now` on, as pieces per task. */
export function enginePieces(result: PlanResult, now: number): Map<string, Interval[]> {
  const out = new Map<string, Interval[]>();
  for (const b of [...result.keep, ...result.move, ...result.create]) {
    const start = Math.max(Date.parse(b.start), now);
    const end = Date.parse(b.end);
    if (end <= start) continue;
    const list = out.get(b.taskId) ?? [];
    list.push({ start, end });
    out.set(b.taskId, list);
  }
  return out;
}

export interface Judged {
  /** Tasks with a deadline (overdue ones included) not placed in full before it. */
  late: number;
  /** Of those, tasks whose deadline had already passed. */
  overdue: number;
  /** Minutes placed before their task's deadline, up to its need (tasks that can still make it). */
  onTimeMinutes: number;
  /** Minutes of tasks' need that are late, weighted by 1 + the task's priority weight. */
  weightedLateMinutes: number;
}

/** The same yardstick for every planner: late tasks and on-time minutes from the pieces placed. */
export function judge(
  ref: RefInput,
  pieces: Map<string, Interval[]>,
  weight: (taskId: string) => number = () => 1,
): Judged {
  let late = 0;
  let overdue = 0;
  let onTimeMinutes = 0;
  let weightedLateMinutes = 0;
  for (const t of ref.tasks) {
    if (!Number.isFinite(t.deadline)) continue;
    let onTime = 0;
    for (const p of pieces.get(t.id) ?? []) onTime += Math.max(0, Math.min(p.end, t.deadline) - p.start);
    onTime = Math.min(onTime, t.need);
    if (t.deadline <= ref.earliest) overdue++;
    else onTimeMinutes += onTime / MINUTE;
    if (onTime < t.need) {
      late++;
      weightedLateMinutes += (weight(t.id) * (t.need - onTime)) / MINUTE;
    }
  }
  return { late, overdue, onTimeMinutes, weightedLateMinutes };
}

/**
 * An upper bound on the minutes any planner can place on time: the maximum flow from tasks (each
 * up to its need) to the stretches of free time inside its window (each up to its length). It
 * ignores block lengths, so no plan can do better.
 */
export function maxOnTimeMinutes(ref: RefInput): number {
  const tasks = ref.tasks.filter((t) => Number.isFinite(t.deadline) && t.deadline > ref.earliest);
  const cuts = new Set<number>();
  for (const t of tasks) {
    cuts.add(t.deadline);
    if (t.release > ref.earliest) cuts.add(t.release);
  }
  const sortedCuts = [...cuts].sort((a, b) => a - b);
  // Free time cut at every window edge: each segment is wholly inside or outside every window.
  const segments: Interval[] = [];
  for (const f of ref.free) {
    let at = f.start;
    for (const c of sortedCuts) {
      if (c <= at) continue;
      if (c >= f.end) break;
      segments.push({ start: at, end: c });
      at = c;
    }
    segments.push({ start: at, end: f.end });
  }
  const flow = new MaxFlow(2 + tasks.length + segments.length);
  const source = 0;
  const sink = 1;
  tasks.forEach((t, i) => {
    flow.edge(source, 2 + i, t.need / MINUTE);
    const from = Math.max(t.release, ref.earliest);
    for (let k = firstEnding(segments, from); k < segments.length; k++) {
      const s = segments[k] as Interval;
      if (s.end > t.deadline) break;
      if (s.start >= from) flow.edge(2 + i, 2 + tasks.length + k, s.end - s.start);
    }
  });
  segments.forEach((s, k) => {
    flow.edge(2 + tasks.length + k, sink, (s.end - s.start) / MINUTE);
  });
  return flow.run(source, sink);
}

function firstEnding(list: readonly Interval[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Interval).end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Dinic's algorithm on integer capacities (minutes). */
class MaxFlow {
  private readonly head: number[];
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly next: number[] = [];
  private readonly level: Int32Array;
  private iter: number[] = [];

  constructor(n: number) {
    this.head = new Array(n).fill(-1);
    this.level = new Int32Array(n);
  }

  edge(a: number, b: number, c: number): void {
    for (const [x, y, z] of [
      [a, b, c],
      [b, a, 0],
    ] as const) {
      this.to.push(y);
      this.cap.push(z);
      this.next.push(this.head[x] as number);
      this.head[x] = this.to.length - 1;
    }
  }

  run(s: number, t: number): number {
    let total = 0;
    while (this.bfs(s, t)) {
      this.iter = [...this.head];
      for (;;) {
        const f = this.dfs(s, t, Number.POSITIVE_INFINITY);
        if (f === 0) break;
        total += f;
      }
    }
    return total;
  }

  private bfs(s: number, t: number): boolean {
    this.level.fill(-1);
    this.level[s] = 0;
    const queue = [s];
    for (let q = 0; q < queue.length; q++) {
      const v = queue[q] as number;
      for (let e = this.head[v] as number; e >= 0; e = this.next[e] as number) {
        const w = this.to[e] as number;
        if ((this.cap[e] as number) > 0 && this.level[w] === -1) {
          this.level[w] = (this.level[v] as number) + 1;
          queue.push(w);
        }
      }
    }
    return (this.level[t] as number) >= 0;
  }

  private dfs(v: number, t: number, f: number): number {
    if (v === t) return f;
    for (; (this.iter[v] as number) >= 0; this.iter[v] = this.next[this.iter[v] as number] as number) {
      const e = this.iter[v] as number;
      const w = this.to[e] as number;
      if ((this.cap[e] as number) <= 0 || (this.level[w] as number) !== (this.level[v] as number) + 1)
        continue;
      const d = this.dfs(w, t, Math.min(f, this.cap[e] as number));
      if (d > 0) {
        this.cap[e] = (this.cap[e] as number) - d;
        this.cap[e ^ 1] = (this.cap[e ^ 1] as number) + d;
        return d;
      }
    }
    return 0;
  }
}

/**
 * Context switches per day: consecutive blocks of one local day (in the VA's zone) for different
 * clients, over the days that have blocks; and how many of those switches have less than `gap`
 * between the two blocks.
 */
export function switchesPerDay(
  blocks: readonly { start: number; end: number; clientId: string }[],
  zone: string,
  gap: number,
): { perDay: number; tight: number } {
  const days = new Map<string, { start: number; end: number; clientId: string }[]>();
  const dayOf = new Map<number, string>();
  for (const b of blocks) {
    const key = Math.floor(b.start / (15 * MINUTE));
    let day = dayOf.get(key);
    if (day === undefined) {
      day = localDateOf(b.start, zone);
      dayOf.set(key, day);
    }
    const list = days.get(day) ?? [];
    list.push(b);
    days.set(day, list);
  }
  let switches = 0;
  let tight = 0;
  for (const list of days.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1], list[i]] as [(typeof list)[number], (typeof list)[number]];
      if (a.clientId === b.clientId) continue;
      switches++;
      if (b.start - a.end < gap) tight++;
    }
  }
  return { perDay: days.size === 0 ? 0 : switches / days.size, tight };
}
