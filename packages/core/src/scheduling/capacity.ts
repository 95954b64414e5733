import type { Interval } from '../time/zoned.js';
import { firstEndingAfter } from './intervals.js';

/**
 * Free working time as a running total: `before(x)` is the time in stretches at least a minimum block
 * long that lies before `x`. The overload policy and batching reason with it as if work were fluid;
 * the fill then places real blocks, and the passes compare real results.
 */
export class Capacity {
  private readonly stretches: Interval[];
  /** `sums[i]`: the time of stretches before stretch i. */
  private readonly sums: number[];

  constructor(
    free: readonly Interval[],
    private readonly min: number,
  ) {
    this.stretches = free.filter((f) => f.end - f.start >= min);
    this.sums = [0];
    for (const s of this.stretches)
      this.sums.push((this.sums[this.sums.length - 1] as number) + s.end - s.start);
  }

  get total(): number {
    return this.sums[this.sums.length - 1] as number;
  }

  before(x: number): number {
    const i = firstEndingAfter(this.stretches, x);
    const s = this.stretches[i];
    const sum = this.sums[i] as number;
    if (!s || s.start >= x) return sum;
    const part = x - s.start;
    return sum + (part >= this.min ? part : 0);
  }

  /** Usable time in `[from, to)`. */
  between(from: number, to: number): number {
    return to <= from ? 0 : Math.max(0, this.before(to) - this.before(from));
  }
}
