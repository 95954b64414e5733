import type { Interval } from '../time/zoned.js';

/**
 * Chunking rules, in milliseconds. Every chunk is between `min` and `max` long, and a task's
 * remaining need is always 0 or a length that splits into such chunks, so no chunk outside the
 * bounds is ever needed:
 *
 * - A need is rounded up to the nearest length that splits into chunks within `[min, max]`
 *   (`roundUpNeed`): k = ceil(need / max) chunks are needed, and k chunks hold at least k × min.
 *   A 10-minute task gets a minimum block rather than a sliver nobody can use; with 30-minute
 *   blocks only (min = max = 30), a 45-minute task gets 60 minutes; with 60 to 90, 100 minutes
 *   become 120 (two chunks of 60), since no single chunk can hold 100.
 * - When a free stretch cannot take the whole remaining need, the chunk is as long as the stretch
 *   allows (up to `max`) unless what would be left cannot be split within the bounds; then the
 *   chunk shrinks just enough that it can. If no chunk of at least `min` leaves a splittable
 *   remainder, the stretch is skipped: the remainder is never split outside the bounds.
 * - Chunks of one task placed back to back are then evened out (`evenRuns`): 130 minutes with a
 *   120-minute maximum become 65 + 65, not 120 + 10 (too short) or 100 + 30.
 *
 * When `max` ≥ 2 × `min` every length of at least `min` splits, and the rules reduce to "round up
 * to the minimum; never leave less than a minimum".
 */
export interface ChunkLimits {
  min: number;
  max: number;
}

/**
 * The smallest length ≥ `need` that splits into chunks within the limits (0 for no need): with
 * k = ceil(need / max) chunks, any length in [k × min, k × max] splits, and `need` ≤ k × max.
 * It is never more than `need` + `min` - 1 ms, and never less than `need`.
 */
export function roundUpNeed(need: number, limits: ChunkLimits): number {
  if (need <= 0) return 0;
  const chunks = Math.ceil(need / limits.max);
  return Math.max(need, chunks * limits.min);
}

/** Whether `length` is 0 or splits into chunks within the limits. */
export function splittable(length: number, limits: ChunkLimits): boolean {
  return length === 0 || (length > 0 && roundUpNeed(length, limits) === length);
}

/**
 * The length of the next chunk for `remaining` (which must be splittable) in a stretch of
 * `available`, or null to skip the stretch. The longest chunk the stretch allows whose remainder
 * still splits: the remainder is at least `remaining - cap`, and the smallest splittable length
 * from there is `roundUpNeed(remaining - cap)`.
 */
export function chooseChunk(remaining: number, available: number, limits: ChunkLimits): number | null {
  const cap = Math.min(limits.max, available);
  if (cap < limits.min) return null;
  if (remaining <= cap) return remaining;
  const chunk = remaining - roundUpNeed(remaining - cap, limits);
  return chunk >= limits.min ? chunk : null;
}

const MINUTE = 60_000;

/**
 * Joins back-to-back pieces into runs and splits each run into the fewest chunks that fit `max`,
 * of nearly equal whole-minute lengths. A run made of chunks that were each ≥ min splits into
 * chunks that are each ≥ min too, since fewer chunks share the same length. A run never joins
 * across `cut` (the task's deadline), so no chunk crosses it.
 */
export function evenRuns(pieces: readonly Interval[], limits: ChunkLimits, cut?: number): Interval[] {
  const sorted = [...pieces].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] as Interval;
    let end = first.end;
    let j = i + 1;
    while (j < sorted.length && (sorted[j] as Interval).start === end && end !== cut) {
      end = (sorted[j++] as Interval).end;
    }
    if (j - i === 1) out.push(first);
    else out.push(...splitEvenly(first.start, end, Math.ceil((end - first.start) / limits.max), limits));
    i = j;
  }
  return out;
}

function splitEvenly(start: number, end: number, count: number, limits: ChunkLimits): Interval[] {
  // Whole 5-minute steps when they keep every chunk within bounds (85 + 85 + 80 reads better than
  // 84 + 83 + 83), else whole minutes; the last chunk ends exactly at the run's end either way.
  const minutes = Math.round((end - start) / MINUTE);
  const step = minutes % 5 === 0 && evenSplitFits(minutes / 5, count, 5, limits) ? 5 : 1;
  const units = Math.round(minutes / step);
  const base = Math.floor(units / count);
  const extra = units % count;
  const out: Interval[] = [];
  let at = start;
  for (let k = 0; k < count; k++) {
    const next = k === count - 1 ? end : at + (base + (k < extra ? 1 : 0)) * step * MINUTE;
    out.push({ start: at, end: next });
    at = next;
  }
  return out;
}

function evenSplitFits(units: number, count: number, step: number, limits: ChunkLimits): boolean {
  return (
    Math.floor(units / count) * step * MINUTE >= limits.min &&
    Math.ceil(units / count) * step * MINUTE <= limits.max
  );
}
