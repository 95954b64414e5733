import { isConnectorError } from '@vahub/core';

export interface RetryPolicy {
  /** Attempts in all, the first included. @defaultValue 3 */
  maxAttempts: number;
  /**
   * The longest wait vahub sits out in-process. A longer wait (an hourly quota resetting in 40 minutes)
   * is not slept: the error is thrown with `retryAfterMs` so the job can be rescheduled instead of
   * holding a worker. @defaultValue 10_000
   */
  maxWaitMs: number;
  /** Wait when a 429 carries no `Retry-After`: Toggl's leaky bucket drains about 1 request a second. @defaultValue 1_000 */
  defaultWaitMs: number;
  /** How to wait; tests inject one that records the wait and returns at once. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  maxWaitMs: 10_000,
  defaultWaitMs: 1_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Run `attempt`, retrying when Toggl answered 429 (leaky bucket) or 402 (hourly quota) and the wait it
 * asked for is short enough. Only these are retried: Toggl refused the request before doing anything, so
 * repeating it is safe even for a POST. Other failures (5xx included) go to the caller's retry policy.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  onWait?: (ms: number, err: unknown) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isConnectorError(err) || (err.code !== 'rate_limited' && err.code !== 'quota_exhausted'))
        throw err;
      const wait = err.retryAfterMs ?? policy.defaultWaitMs;
      if (n >= policy.maxAttempts || wait > policy.maxWaitMs) throw err;
      onWait?.(wait, err);
      await policy.sleep(wait);
    }
  }
}
