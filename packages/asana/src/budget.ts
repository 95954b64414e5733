import { ConnectorError } from '@vahub/core';

/** What is left of the per-token request budget, for the caller to pace itself (or to log). */
export interface BudgetReport {
  limit: number;
  windowMs: number;
  used: number;
  remaining: number;
  /** When the oldest request in the window drops out, freeing a slot; 0 when nothing is used. */
  resetInMs: number;
}

export interface RequestBudgetOptions {
  /**
   * Requests allowed per window. Asana allows 150/min per token on free plans, 1,500 on paid ones.
   * @defaultValue 150
   */
  limit?: number;
  /** @defaultValue 60_000 */
  windowMs?: number;
  /** Injectable clock (epoch ms) so tests move time instead of waiting. */
  now?: () => number;
}

/**
 * A sliding-window count of the requests one token made in this process. It is a guard, not the
 * limiter: the shared one (across workers) lives in the jobs package. When the window is full it
 * refuses before sending anything, with a retryable error saying how long to wait, because a 429
 * from Asana costs as much as a success.
 */
export class RequestBudget {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly stamps: number[] = [];

  constructor(options: RequestBudgetOptions = {}) {
    this.limit = options.limit ?? 150;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.limit) || this.limit < 1) throw new RangeError('budget limit must be >= 1');
  }

  private prune(at: number): void {
    while (this.stamps.length > 0 && (this.stamps[0] ?? 0) <= at - this.windowMs) this.stamps.shift();
  }

  report(): BudgetReport {
    const at = this.now();
    this.prune(at);
    const oldest = this.stamps[0];
    return {
      limit: this.limit,
      windowMs: this.windowMs,
      used: this.stamps.length,
      remaining: this.limit - this.stamps.length,
      resetInMs: oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - at),
    };
  }

  /** Count one request, or throw a retryable `rate_limited` error if the window is full. */
  take(operation: string): BudgetReport {
    const before = this.report();
    if (before.remaining <= 0) {
      throw new ConnectorError({
        provider: 'asana',
        operation,
        code: 'rate_limited',
        retryable: true,
        retryAfterMs: before.resetInMs,
        message: `client-side budget of ${this.limit} requests per ${this.windowMs / 1000} s is used up`,
      });
    }
    this.stamps.push(this.now());
    return this.report();
  }
}
