import { ConnectorError, type LimitRequest, type RateLimiter } from '@vahub/core';

/** What is left of one token's request budget, for the caller to pace itself (or to log). */
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
   * Requests allowed per window and key (a token). Asana allows 150/min per token on free plans,
   * 1,500 on paid ones.
   * @defaultValue 150
   */
  limit?: number;
  /** @defaultValue 60_000 */
  windowMs?: number;
  /** Injectable clock (epoch ms) so tests move time instead of waiting. */
  now?: () => number;
}

/**
 * Asana's per-token limit as a core `RateLimiter`, counted in this process: a sliding window of the
 * requests each key (a token's hash) made. The connector uses it when no shared limiter (the jobs
 * package's, in Redis) is handed in. A full window refuses _before_ sending, because a 429 from
 * Asana costs as much as a success: the refusal is a retryable `rate_limited` error carrying the wait,
 * which the pipeline sits out when it is short and hands to the job queue when it is long.
 */
export class RequestBudget implements RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly stamps = new Map<string, number[]>();

  constructor(options: RequestBudgetOptions = {}) {
    this.limit = options.limit ?? 150;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.limit) || this.limit < 1) throw new RangeError('budget limit must be >= 1');
  }

  async acquire(request: LimitRequest): Promise<() => void> {
    this.take(request);
    return () => undefined;
  }

  /** Count one request, or throw a retryable `rate_limited` error if the key's window is full. */
  take(request: Pick<LimitRequest, 'key' | 'operation'> & { provider?: string }): BudgetReport {
    const before = this.report(request.key);
    if (before.remaining <= 0) {
      throw new ConnectorError({
        provider: request.provider ?? 'asana',
        operation: request.operation,
        code: 'rate_limited',
        retryable: true,
        retryAfterMs: before.resetInMs,
        message: `client-side budget of ${this.limit} requests per ${this.windowMs / 1000} s is used up`,
      });
    }
    this.stamps.set(request.key, [...this.window(request.key), this.now()]);
    return this.report(request.key);
  }

  report(key = 'default'): BudgetReport {
    const stamps = this.window(key);
    const oldest = stamps[0];
    return {
      limit: this.limit,
      windowMs: this.windowMs,
      used: stamps.length,
      remaining: this.limit - stamps.length,
      resetInMs: oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - this.now()),
    };
  }

  /** The key's stamps still inside the window. */
  private window(key: string): number[] {
    const at = this.now();
    const stamps = this.stamps.get(key) ?? [];
    while (stamps.length > 0 && (stamps[0] ?? 0) <= at - this.windowMs) stamps.shift();
    if (stamps.length === 0) this.stamps.delete(key);
    else this.stamps.set(key, stamps);
    return stamps;
  }
}
