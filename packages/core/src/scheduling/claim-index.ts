import type { PTask } from './input.js';
import type { Claim } from './planner.js';

export interface Loan {
  claim: Claim;
  owner: PTask;
}

/**
 * Blocks other work may take, sorted by start: those kept at the start of a pass and those placed
 * for overdue work. Finding the loans in a window costs the loans in it, never a scan of every
 * task's blocks; a loan whose claim is no longer held is skipped (and dropped) when met.
 */
export class ClaimIndex {
  private items: Loan[];

  constructor(
    loans: Loan[],
    /** Whether the claim is still held by its owner. */
    private readonly held: (loan: Loan) => boolean,
  ) {
    this.items = [...loans].sort((a, b) => a.claim.start - b.claim.start);
  }

  add(loan: Loan): void {
    // Blocks given up may overlap the new one: drop them first, so starts and ends stay sorted alike.
    this.items = this.items.filter(this.held);
    const at = this.firstEndingAfter(loan.claim.start);
    let i = at;
    while (i < this.items.length && (this.items[i] as Loan).claim.start < loan.claim.start) i++;
    this.items.splice(i, 0, loan);
  }

  /** Calls `visit` with each loan still held that overlaps `[from, limit)`, in start order. */
  within(from: number, limit: number, visit: (loan: Loan) => void): void {
    let dropped = 0;
    const items = this.items;
    for (let i = this.firstEndingAfter(from); i < items.length; i++) {
      const loan = items[i] as Loan;
      if (loan.claim.start >= limit) break;
      if (loan.claim.end <= from) continue;
      if (this.held(loan)) visit(loan);
      else dropped++;
    }
    if (dropped * 4 > this.items.length) this.items = this.items.filter(this.held);
  }

  /**
   * Loans do not overlap one another (they are blocks on one calendar), so sorted by start they
   * are sorted by end too: the first that ends after `t` is found by bisection.
   */
  private firstEndingAfter(t: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as Loan).claim.end <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
