/** A binary min-heap of numbers in a typed array of fixed capacity: `pop` returns the smallest. */
export class MinHeap {
  private readonly items: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.items = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    const a = this.items;
    let i = this.count++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const parent = a[up] as number;
      if (parent <= value) break;
      a[i] = parent;
      i = up;
    }
    a[i] = value;
  }

  /** The smallest value, removed; undefined when empty. */
  pop(): number | undefined {
    if (this.count === 0) return undefined;
    const a = this.items;
    const top = a[0] as number;
    const last = a[--this.count] as number;
    const n = this.count;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && (a[r] as number) < (a[l] as number) ? r : l;
      if ((a[m] as number) >= last) break;
      a[i] = a[m] as number;
      i = m;
    }
    if (n > 0) a[i] = last;
    return top;
  }
}
