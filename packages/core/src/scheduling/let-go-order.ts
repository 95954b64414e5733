/** What the overload policy weighs per task (index i), to choose which work to let go first. */
export interface LetGoFields {
  demand: Float64Array;
  weight: Float64Array;
  /** 1: protected work (let go first). */
  soft: Uint8Array;
  /** 1: late on the calendar already (let go first when sticky). */
  late: Uint8Array;
}

/**
 * The tasks in the order to let them go: protected work, then (when sticky) work late already, then
 * the most demand, then the least weight, then the later index. A total order.
 */
export function letGoOrder(f: LetGoFields, sticky: boolean): Int32Array {
  return byKey(f, sticky) ?? byCompare(f, sticky);
}

/**
 * The sticky order from the plain one (`letGoOrder(f, false)`), in one sweep: the two differ only in
 * that work late already goes first within protected work and within the rest, each part keeping
 * the plain order. Cheaper than sorting again, and a plan needs the sticky order each round (what
 * is late differs), the plain one only once.
 */
export function stickyFrom(plain: Int32Array, f: Pick<LetGoFields, 'soft' | 'late'>): Int32Array {
  // Four parts (protected and late, protected, late, the rest), each in the plain order: count
  // them, then place each task after the parts before its own.
  const part = (i: number) => (f.soft[i] === 1 ? 0 : 2) + (f.late[i] === 1 ? 0 : 1);
  const at = new Int32Array(5);
  for (let k = 0; k < plain.length; k++) {
    const p = part(plain[k] as number) + 1;
    at[p] = (at[p] as number) + 1;
  }
  for (let p = 1; p < 5; p++) at[p] = (at[p] as number) + (at[p - 1] as number);
  const out = new Int32Array(plain.length);
  for (let k = 0; k < plain.length; k++) {
    const i = plain[k] as number;
    const p = part(i);
    const to = at[p] as number;
    out[to] = i;
    at[p] = to + 1;
  }
  return out;
}

/** The order by comparing the fields pair by pair. */
export function byCompare(f: LetGoFields, sticky: boolean): Int32Array {
  const { demand, weight, soft, late } = f;
  const first = (a: number, b: number): boolean => {
    if (soft[a] !== soft[b]) return soft[a] === 1;
    if (sticky && late[a] !== late[b]) return late[a] === 1;
    if (demand[a] !== demand[b]) return (demand[a] as number) > (demand[b] as number);
    if (weight[a] !== weight[b]) return (weight[a] as number) < (weight[b] as number);
    return a > b;
  };
  return Int32Array.from({ length: demand.length }, (_, i) => i).sort((a, b) =>
    a === b ? 0 : first(a, b) ? -1 : 1,
  );
}

/**
 * The same order as one exact number per task, sorted natively (many times cheaper than comparing
 * fields). Each field is a dense rank, so the number stays below 2^53 while the counts allow; null
 * beyond that.
 */
export function byKey(f: LetGoFields, sticky: boolean): Int32Array | null {
  const n = f.demand.length;
  const demand = denseRanks(f.demand);
  const weight = denseRanks(f.weight);
  if (4 * demand.count * weight.count * n >= 2 ** 53) return null;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const group = (f.soft[i] === 1 ? 0 : 2) + (sticky && f.late[i] !== 1 ? 1 : 0);
    const more = demand.count - 1 - (demand.rank[i] as number);
    keys[i] = ((group * demand.count + more) * weight.count + (weight.rank[i] as number)) * n + (n - 1 - i);
  }
  keys.sort();
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = n - 1 - ((keys[k] as number) % n);
  return out;
}

/** Dense ranks already found, by the array ranked: both orders of a plan rank the same arrays. */
const ranked = new WeakMap<Float64Array, { rank: Float64Array; count: number }>();

/** Ranks of equal values share a number: 0 for the smallest. The array must not change after. */
function denseRanks(values: Float64Array): { rank: Float64Array; count: number } {
  const known = ranked.get(values);
  if (known) return known;
  const distinct = Float64Array.from(new Set(values)).sort();
  const at = new Map<number, number>();
  distinct.forEach((v, k) => {
    at.set(v, k);
  });
  const out = { rank: values.map((v) => at.get(v) as number), count: distinct.length };
  ranked.set(values, out);
  return out;
}
