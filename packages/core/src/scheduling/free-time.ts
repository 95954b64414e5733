import type { Interval } from '../time/zoned.js';
import { type ChunkLimits, chooseChunk } from './chunking.js';
import { alignDown, alignUp, firstEndingAfter, mergedCopy, subtractIntervals } from './intervals.js';

const MINUTE = 60_000;

/** The part of a free interval a task may use (its client's spacing from other clients' blocks). */
export type Usable = (free: Interval) => Interval | null;

export interface FillOptions {
  /**
   * No chunk crosses this instant (the task's deadline): the need goes before it as far as it can,
   * in chunks that leave a rest that still splits, and the rest after it.
   */
  cut?: number;
  /** Narrows each free interval to what this task may use; the whole interval when absent. */
  usable?: Usable;
}

/**
 * The free time still open to new chunks: a sorted list of disjoint intervals. Intervals are never
 * mutated, only replaced, so `snapshot()` is a shallow copy. A fully used interval becomes an empty
 * placeholder instead of being spliced out, which keeps the common "take from the front" O(1).
 */
export class FreeList {
  private items: Interval[];
  /** Every interval before this index is shorter than a minimum chunk: useless to `fill`. */
  private head = 0;

  constructor(
    items: readonly Interval[],
    private readonly limits: ChunkLimits,
  ) {
    this.items = mergedCopy(items);
  }

  snapshot(): { items: Interval[]; head: number } {
    return { items: this.items.slice(), head: this.head };
  }

  restore(state: { items: Interval[]; head: number }): void {
    this.items = state.items.slice();
    this.head = state.head;
  }

  /** Non-empty free intervals, for tests and explanations. */
  intervals(): Interval[] {
    return this.items.filter((i) => i.end > i.start);
  }

  /**
   * Places `need` as chunks in the earliest free time from `from` on (as soon as possible), and takes
   * that time. Returns the chunks; their total is less than `need` only when free time ran out.
   */
  fill(need: number, from: number, opts: FillOptions = {}): Interval[] {
    const pieces = this.find(need, from, opts);
    this.takeAll(pieces);
    return pieces;
  }

  /** Whether every free interval left is shorter than a minimum chunk: nothing more fits. */
  get full(): boolean {
    return this.head >= this.items.length;
  }

  /** Where `fill` would put `need`, without taking anything. */
  find(need: number, from: number, opts: FillOptions = {}): Interval[] {
    const { cut, usable } = opts;
    if (cut === undefined || cut <= from) return this.place({ need, from, until: Infinity, usable });
    const before = this.place({ need, from, until: cut, usable });
    const rest = need - before.reduce((sum, p) => sum + p.end - p.start, 0);
    return rest > 0 ? [...before, ...this.place({ need: rest, from: cut, until: Infinity, usable })] : before;
  }

  /**
   * The earliest free stretch of exactly `length` from `from` on that ends by `until`, or null: a
   * displaced block placed whole rather than cut into pieces.
   */
  findWhole(length: number, from: number, until: number, usable?: Usable): Interval | null {
    for (let i = Math.max(this.head, firstEndingAfter(this.items, from)); i < this.items.length; i++) {
      const free = this.items[i] as Interval;
      if (free.start + length > until) return null;
      const part = usable ? usable(free) : free;
      if (part === null) continue;
      const start = alignUp(Math.max(part.start, from), MINUTE);
      if (start + length <= Math.min(part.end, until)) return { start, end: start + length };
    }
    return null;
  }

  /** Chunks for `need` in free time within `[from, until)`, earliest first. */
  private place(args: { need: number; from: number; until: number; usable: Usable | undefined }): Interval[] {
    const { from, until, usable } = args;
    const pieces: Interval[] = [];
    let remaining = args.need;
    let i = Math.max(this.head, firstEndingAfter(this.items, from));
    // Where the next chunk may start in interval i: after the chunks already found in it.
    let floor = from;
    while (remaining > 0 && i < this.items.length) {
      const free = this.items[i] as Interval;
      if (free.start >= until) break;
      const part = usable ? usable(free) : free;
      // Whole minutes, whatever odd second a returned block or a deadline left on an edge.
      const start = part === null ? 0 : alignUp(Math.max(part.start, floor), MINUTE);
      const len =
        part === null
          ? null
          : chooseChunk(remaining, alignDown(Math.min(part.end, until), MINUTE) - start, this.limits);
      if (len === null) {
        if (i === this.head && free.end - free.start < this.limits.min) this.head++;
        i++;
        continue;
      }
      pieces.push({ start, end: start + len });
      remaining -= len;
      floor = start + len;
    }
    return pieces;
  }

  /** Takes pieces `find` returned (sorted, each inside one free interval). */
  takeAll(pieces: readonly Interval[]): void {
    let i = 0;
    for (const { start, end } of pieces) {
      i = Math.max(i, firstEndingAfter(this.items, start));
      const free = this.items[i] as Interval;
      if (start > free.start) {
        this.items.splice(i, 1, { start: free.start, end: start }, { start: end, end: free.end });
        i++;
      } else {
        this.items[i] = { start: end, end: free.end };
      }
    }
  }
  /** Takes `[start, end)` if all of it is free; false (and no change) otherwise. */
  take(start: number, end: number): boolean {
    const i = firstEndingAfter(this.items, start);
    const free = this.items[i];
    if (!free || free.start > start || free.end < end) return false;
    const parts: Interval[] = [];
    if (free.start < start) parts.push({ start: free.start, end: start });
    if (end < free.end) parts.push({ start: end, end: free.end });
    if (parts.length === 0) parts.push({ start: end, end });
    this.items.splice(i, 1, ...parts);
    if (i < this.head) this.head = i;
    return true;
  }

  /** Returns `[start, end)` (which must not be free) to the free time, joining touching neighbours. */
  give(start: number, end: number): void {
    const p = firstEndingAfter(this.items, start);
    // Empty placeholders and touching neighbours are absorbed, so a stretch is never cut in two.
    let lo = p;
    let mergedStart = start;
    while (lo > 0 && (this.items[lo - 1] as Interval).end === mergedStart) {
      lo--;
      mergedStart = (this.items[lo] as Interval).start;
    }
    let hi = p;
    let mergedEnd = end;
    while (hi < this.items.length && (this.items[hi] as Interval).start === mergedEnd) {
      mergedEnd = (this.items[hi] as Interval).end;
      hi++;
    }
    this.items.splice(lo, hi - lo, { start: mergedStart, end: mergedEnd });
    if (lo < this.head) this.head = lo;
  }

  isFree(start: number, end: number): boolean {
    const free = this.items[firstEndingAfter(this.items, start)];
    return free !== undefined && free.start <= start && free.end >= end;
  }
}

/**
 * Working windows within `[from, to)` minus what is `taken` (merged), each stretch shrunk inward to
 * the `step` grid so that new chunks start on round times.
 */
export function openTime(args: {
  windows: readonly Interval[];
  from: number;
  to: number;
  taken: readonly Interval[];
  step: number;
}): Interval[] {
  const span = args.windows
    .map((w) => ({ start: Math.max(w.start, args.from), end: Math.min(w.end, args.to) }))
    .filter((w) => w.end > w.start);
  return subtractIntervals(span, args.taken)
    .map((f) => ({ start: alignUp(f.start, args.step), end: alignDown(f.end, args.step) }))
    .filter((f) => f.end > f.start);
}
