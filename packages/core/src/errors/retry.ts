import { type ConnectorError, isConnectorError } from './errors.js';

export interface RetryOptions {
  /**
   * Tries in all for transient failures (5xx, network); a rate limit that says how long to wait does
   * not count as one. @defaultValue 4
   */
  attempts?: number;
  /**
   * First backoff, doubled after each failure. The wait is drawn from the whole range up to it
   * ("full jitter"), so callers that failed together do not come back together. @defaultValue 500
   */
  baseDelayMs?: number;
  /** @defaultValue 30_000 */
  maxDelayMs?: number;
  /** How many rate-limit waits in a row to sit out before giving up. @defaultValue 5 */
  maxRateLimitWaits?: number;
  /**
   * A wait longer than this is not slept in-process: the error goes to the caller with its
   * `retryAfterMs`, because a job queue delays far better than a sleeping worker. @defaultValue 60_000
   */
  maxWaitMs?: number;
  /**
   * Which retryable errors to retry here. Defaults to all of them; a caller whose request is not
   * safe to repeat (a POST without an idempotency key) narrows it.
   */
  retryOn?: (error: ConnectorError) => boolean;
  /** Injectable, so tests honour a `Retry-After` of seconds without spending them. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  onRetry?: (info: { attempt: number; waitMs: number; error: ConnectorError }) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isRateLimit(error: ConnectorError): boolean {
  return (
    (error.code === 'rate_limited' || error.code === 'quota_exhausted') && error.retryAfterMs !== undefined
  );
}

/**
 * Run `fn` again after retryable `ConnectorError`s: a rate limit waits exactly the time the vendor
 * asked for without burning an attempt; other transient failures back off exponentially with full
 * jitter.
 * Anything not retryable is thrown at once, and so is a wait longer than `maxWaitMs`.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const maxRateLimitWaits = options.maxRateLimitWaits ?? 5;
  const maxWait = options.maxWaitMs ?? 60_000;
  const retryOn = options.retryOn ?? (() => true);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  let failures = 0;
  let rateLimitWaits = 0;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable || !retryOn(error)) throw error;
      let waitMs: number;
      if (isRateLimit(error)) {
        rateLimitWaits += 1;
        if (rateLimitWaits > maxRateLimitWaits) throw error;
        waitMs = error.retryAfterMs as number;
      } else {
        failures += 1;
        if (failures >= attempts) throw error;
        const backoff = Math.min(maxDelay, base * 2 ** (failures - 1));
        waitMs = error.retryAfterMs ?? Math.round(backoff * random());
      }
      if (waitMs > maxWait) throw error;
      options.onRetry?.({ attempt: failures + rateLimitWaits, waitMs, error });
      await sleep(waitMs);
    }
  }
}
