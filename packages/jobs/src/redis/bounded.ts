import { VahubError } from '@vahub/core';

/** Redis did not answer in time, or refused: the caller tries again later, nothing was decided. */
export class RedisUnavailableError extends VahubError {
  override name = 'RedisUnavailableError';
}

/**
 * Wait for a Redis command at most `ms`. BullMQ needs `maxRetriesPerRequest: null`, which makes
 * ioredis queue a command for as long as Redis is down: without a bound, a store call would never
 * return and a webhook would never be answered.
 */
export function bounded<T>(work: Promise<T>, options: { ms: number; what: string }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RedisUnavailableError(
            `Redis did not answer ${options.what} within ${options.ms} ms: check that it runs at REDIS_URL`,
          ),
        ),
      options.ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** How long a store waits for Redis before giving up. */
export const DEFAULT_REDIS_TIMEOUT_MS = 5_000;
