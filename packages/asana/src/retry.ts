import { isConnectorError } from '@vahub/core';

export interface RetryOptions {
  /**
   * Tries in all for transient failures (5xx, network); a 429 that says how long to wait does not count.
   * @defaultValue 4
   */
  attempts?: number;
  /** First backoff, doubled each failure, jittered to 50–100 %. @defaultValue 500 */
  baseDelayMs?: number;
  /** @defaultValue 30_000 */
  maxDelayMs?: number;
  /** How many 429s in a row to sit out before giving up. @defaultValue 5 */
  maxRateLimitWaits?: number;
  /**
   * A `Retry-After` longer than this is not waited in-process: the error goes to the caller (a job
   * queue delays far better than a sleeping worker). @defaultValue 60_000
   */
  maxWaitMs?: number;
  /** Injectable so tests honour a `Retry-After` of seconds without spending them. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable jitter source in [0, 1). */
  random?: () => number;
  onRetry?: (info: { attempt: number; waitMs: number; error: unknown }) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run `fn` again after retryable `ConnectorError`s: exactly `Retry-After` for a 429 (without burning an
 * attempt), exponential backoff with jitter otherwise. Anything not retryable is thrown at once.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const maxRateLimitWaits = options.maxRateLimitWaits ?? 5;
  const maxWait = options.maxWaitMs ?? 60_000;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  let failures = 0;
  let rateLimitWaits = 0;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable) throw error;
      let waitMs: number;
      if (error.code === 'rate_limited' && error.retryAfterMs !== undefined) {
        rateLimitWaits += 1;
        if (rateLimitWaits > maxRateLimitWaits) throw error;
        waitMs = error.retryAfterMs;
      } else {
        failures += 1;
        if (failures >= attempts) throw error;
        const backoff = Math.min(maxDelay, base * 2 ** (failures - 1));
        waitMs = error.retryAfterMs ?? Math.round(backoff * (0.5 + random() / 2));
      }
      if (waitMs > maxWait) throw error;
      options.onRetry?.({ attempt: failures + rateLimitWaits, waitMs, error });
      await sleep(waitMs);
    }
  }
}
