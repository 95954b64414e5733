import type { Interval } from '../time/zoned.js';
import { type ChunkLimits, chooseChunk } from './chunking.js';
import { alignDown, alignUp, firstEndingAfter, mergeIntervals, subtractIntervals } from './intervals.js';

const MINUTE = 60_000;

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
    this.items = mergeIntervals(items);
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
  fill(need: number, from: number): Interval[] {
    const pieces: Interval[] = [];
    let remaining = need;
    let i = Math.max(this.head, firstEndingAfter(this.items, from));
    while (remaining > 0 && i < this.items.length) {
      const free = this.items[i] as Interval;
      // Whole minutes, whatever odd second a returned block or a deadline left on an edge.
      const start = alignUp(Math.max(free.start, from), MINUTE);
      const len = chooseChunk(remaining, alignDown(free.end, MINUTE) - start, this.limits);
      if (len === null) {
        if (i === this.head && free.end - free.start < this.limits.min) this.head++;
        i++;
        continue;
      }
      const end = start + len;
      if (start > free.start) {
        this.items.splice(i, 1, { start: free.start, end: start }, { start: end, end: free.end });
        i++;
      } else {
        this.items[i] = { start: end, end: free.end };
      }
      pieces.push({ start, end });
      remaining -= len;
    }
    return pieces;
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
