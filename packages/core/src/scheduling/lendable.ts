import type { PTask } from './input.js';
import type { Claim } from './planner.js';

export interface Loan {
  claim: Claim;
  owner: PTask;
  retired: boolean;
}

/**
 * The blocks kept at the start of a pass that a more urgent task may take, sorted by time (they do
 * not overlap). An owner is retired once its own turn has come: from then on its blocks are no
 * longer "less urgent" than the task being planned. Retired entries are dropped lazily, so finding
 * the loans in a window costs the loans in it, not every block on the calendar.
 */
export class Lendable {
  private items: Loan[];
  private readonly byOwner = new Map<string, Loan[]>();
  private retiredCount = 0;

  constructor(loans: Loan[]) {
    this.items = [...loans].sort((a, b) => a.claim.start - b.claim.start);
    for (const loan of this.items) {
      const list = this.byOwner.get(loan.owner.task.id);
      if (list) list.push(loan);
      else this.byOwner.set(loan.owner.task.id, [loan]);
    }
  }

  retire(owner: PTask): void {
    for (const loan of this.byOwner.get(owner.task.id) ?? []) {
      if (loan.retired) continue;
      loan.retired = true;
      this.retiredCount++;
    }
    if (this.retiredCount * 2 > this.items.length) {
      this.items = this.items.filter((l) => !l.retired);
      this.retiredCount = 0;
    }
  }

  /** Loans not retired that overlap `[from, limit)`. */
  within(from: number, limit: number): Loan[] {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as Loan).claim.end <= from) lo = mid + 1;
      else hi = mid;
    }
    const out: Loan[] = [];
    for (let i = lo; i < this.items.length; i++) {
      const loan = this.items[i] as Loan;
      if (loan.claim.start >= limit) break;
      if (!loan.retired) out.push(loan);
    }
    return out;
  }
}
