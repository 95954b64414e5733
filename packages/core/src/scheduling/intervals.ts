import type { Interval } from '../time/zoned.js';

/** Sorted by start, overlapping or touching intervals joined; empty ones dropped. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const next of sorted) {
    const last = out[out.length - 1];
    if (last && next.start <= last.end) {
      if (next.end > last.end) out[out.length - 1] = { start: last.start, end: next.end };
    } else {
      out.push(next);
    }
  }
  return out;
}

/** `mergeIntervals`, cheaply when the list is merged already (a copy of it, then). */
export function mergedCopy(list: readonly Interval[]): Interval[] {
  let last = Number.NEGATIVE_INFINITY;
  for (const i of list) {
    if (!(i.end > i.start && i.start > last)) return mergeIntervals(list);
    last = i.end;
  }
  return list.slice();
}

/**
 * The union of intervals given as their starts and ends (the same count), merged as
 * `mergeIntervals` does: starts and ends sorted apart (a native numeric sort, many times cheaper
 * than sorting interval objects), then one sweep counting how many are open.
 */
export function unionOf(starts: Float64Array, ends: Float64Array): Interval[] {
  starts.sort();
  ends.sort();
  const out: Interval[] = [];
  let open = 0;
  let from = 0;
  let i = 0;
  let j = 0;
  while (j < ends.length) {
    // At equal instants starts go first, so touching intervals join.
    if (i < starts.length && (starts[i] as number) <= (ends[j] as number)) {
      if (open++ === 0) from = starts[i] as number;
      i++;
    } else {
      if (--open === 0 && (ends[j] as number) > from) out.push({ start: from, end: ends[j] as number });
      j++;
    }
  }
  return out;
}

/** `base` minus `cut`, both merged (sorted, disjoint): one sweep, O(n + m). */
export function subtractIntervals(base: readonly Interval[], cut: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const piece of base) {
    let start = piece.start;
    while (j < cut.length && (cut[j] as Interval).end <= start) j++;
    let k = j;
    while (k < cut.length && (cut[k] as Interval).start < piece.end) {
      const c = cut[k] as Interval;
      if (c.start > start) out.push({ start, end: c.start });
      start = Math.max(start, c.end);
      k++;
    }
    if (start < piece.end) out.push({ start, end: piece.end });
  }
  return out;
}

/** Index of the first interval of a sorted disjoint list whose end is after `t` (length if none). */
export function firstEndingAfter(sorted: readonly Interval[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as Interval).end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether `[start, end)` meets any interval of a sorted disjoint list. */
export function overlapsAny(sorted: readonly Interval[], start: number, end: number): boolean {
  const i = firstEndingAfter(sorted, start);
  const hit = sorted[i];
  return hit !== undefined && hit.start < end;
}

/** Whether `[start, end)` lies inside one interval of a sorted disjoint list. */
export function insideOne(sorted: readonly Interval[], start: number, end: number): boolean {
  const hit = sorted[firstEndingAfter(sorted, start)];
  return hit !== undefined && hit.start <= start && hit.end >= end;
}

/** Milliseconds of `[start, end)` that fall before `limit`. */
export function lengthBefore(start: number, end: number, limit: number): number {
  return Math.max(0, Math.min(end, limit) - start);
}

export function alignUp(ms: number, step: number): number {
  return Math.ceil(ms / step) * step;
}

export function alignDown(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}
