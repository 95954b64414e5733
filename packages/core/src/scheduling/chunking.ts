import type { Interval } from '../time/zoned.js';

/**
 * Chunking rules, in milliseconds. Every chunk is between `min` and `max` long, and a task's
 * remaining need is always 0 or at least `min`, so no chunk shorter than the minimum is ever needed:
 *
 * - A need shorter than `min` is rounded up to `min` (`roundUpNeed`): a 10-minute task gets a
 *   minimum block rather than a sliver nobody can use.
 * - When a free stretch cannot take the whole remaining need, the chunk is as long as the stretch
 *   allows (up to `max`) unless that would leave a remainder shorter than `min`; then the chunk
 *   shrinks so that exactly `min` is left for later. If it cannot shrink (need under 2 × min), the
 *   stretch is skipped: the remainder is never split below the minimum.
 * - Chunks of one task placed back to back are then evened out (`evenRuns`): 130 minutes with a
 *   120-minute maximum become 65 + 65, not 120 + 10 (too short) or 100 + 30.
 */
export interface ChunkLimits {
  min: number;
  max: number;
}

export function roundUpNeed(need: number, limits: ChunkLimits): number {
  return need <= 0 ? 0 : Math.max(need, limits.min);
}

/** The length of the next chunk for `remaining` in a stretch of `available`, or null to skip it. */
export function chooseChunk(remaining: number, available: number, limits: ChunkLimits): number | null {
  const cap = Math.min(limits.max, available);
  if (cap < limits.min) return null;
  if (remaining <= cap) return remaining;
  if (remaining - cap >= limits.min) return cap;
  const shrunk = remaining - limits.min;
  return shrunk >= limits.min ? shrunk : null;
}

const MINUTE = 60_000;

/**
 * Joins back-to-back pieces into runs and splits each run into the fewest chunks that fit `max`,
 * of nearly equal whole-minute lengths. A run made of chunks that were each ≥ min splits into
 * chunks that are each ≥ min too, since fewer chunks share the same length.
 */
export function evenRuns(pieces: readonly Interval[], limits: ChunkLimits): Interval[] {
  const sorted = [...pieces].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] as Interval;
    let end = first.end;
    let j = i + 1;
    while (j < sorted.length && (sorted[j] as Interval).start === end) end = (sorted[j++] as Interval).end;
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
