import {
  ConnectorError,
  type LimitAnswer,
  type LimitRequest,
  parseRetryAfter,
  type RateLimiter,
} from '@vahub/core';

export interface TogglLimiterOptions {
  /** Spacing of one token's requests once Toggl has answered 429: its documented safe rate. @defaultValue 1000 */
  intervalMs?: number;
  /** How long after the latest 429 the spacing holds. @defaultValue 60_000 */
  calmMs?: number;
  /** A longer wait for a place is not slept here: the call fails, retryable, with the wait. @defaultValue 10_000 */
  maxHoldMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface KeyState {
  /** The earliest moment the next request may go. */
  nextAt: number;
  /** Until when requests are spaced. */
  slowUntil: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const release = () => undefined;

/**
 * Toggl's in-process rate limiter, used when no shared one is given. It costs nothing while Toggl is
 * content: requests go at once. After a 429 (the leaky bucket is full) it spaces that token's
 * requests at Toggl's safe rate, one a second, until a minute passes without another, so the callers
 * of one process queue here instead of all knocking on a full bucket.
 */
export class TogglLimiter implements RateLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: TogglLimiterOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  async acquire(request: LimitRequest): Promise<() => void> {
    const state = this.keys.get(request.key);
    const now = this.now();
    if (!state || now >= state.slowUntil) return release;
    const at = Math.max(now, state.nextAt);
    const wait = at - now;
    const maxHold = this.options.maxHoldMs ?? 10_000;
    if (wait > maxHold) {
      throw new ConnectorError({
        provider: request.provider,
        operation: request.operation,
        code: 'rate_limited',
        retryable: true,
        retryAfterMs: wait,
        message: `Toggl asked vahub to slow down and ${Math.ceil(wait / 1000)} s of requests are queued ahead of this one`,
      });
    }
    state.nextAt = at + this.intervalMs;
    if (wait > 0) await this.sleep(wait);
    return release;
  }

  observe(answer: LimitAnswer): void {
    if (answer.status !== 429) return;
    const now = this.now();
    const asked = parseRetryAfter(answer.headers.get('retry-after'), now) ?? this.intervalMs;
    const state = this.keys.get(answer.key) ?? { nextAt: now, slowUntil: now };
    state.nextAt = Math.max(state.nextAt, now + asked);
    state.slowUntil = now + (this.options.calmMs ?? 60_000);
    this.keys.set(answer.key, state);
  }
}
