import type { Interval } from '../time/zoned.js';

/**
 * Which clients' blocks start and end at each instant: what a free interval touches on either side,
 * so that a new block keeps a break from another client's block. Free time is taken off blocks
 * exactly, so a block next to a free interval touches it.
 */
export class ClientEdges {
  private readonly starts = new Map<number, Map<string, number>>();
  private readonly ends = new Map<number, Map<string, number>>();

  constructor(private readonly gap: number) {}

  add(b: Interval, client: string): void {
    bump(this.starts, b.start, client, 1);
    bump(this.ends, b.end, client, 1);
  }

  remove(b: Interval, client: string): void {
    bump(this.starts, b.start, client, -1);
    bump(this.ends, b.end, client, -1);
  }

  /** The part of `free` a block of `client` may use: a break away from other clients' blocks. */
  usable(free: Interval, client: string): Interval | null {
    const start = other(this.ends.get(free.start), client) ? free.start + this.gap : free.start;
    const end = other(this.starts.get(free.end), client) ? free.end - this.gap : free.end;
    return end > start ? { start, end } : null;
  }
}

function other(at: Map<string, number> | undefined, client: string): boolean {
  if (at === undefined) return false;
  for (const c of at.keys()) if (c !== client) return true;
  return false;
}

function bump(map: Map<number, Map<string, number>>, t: number, client: string, by: number): void {
  let at = map.get(t);
  if (!at) {
    at = new Map();
    map.set(t, at);
  }
  const n = (at.get(client) ?? 0) + by;
  if (n > 0) at.set(client, n);
  else at.delete(client);
  if (at.size === 0) map.delete(t);
}
