import { VahubError } from '@vahub/core';
import type { Redis } from 'ioredis';

/**
 * Redis did not answer in time or could not be reached. Retryable: nothing was decided, and the job
 * can run again once Redis is back. The message names the Redis and what to check.
 */
export class RedisUnavailableError extends VahubError {
  override name = 'RedisUnavailableError';
  readonly retryable = true;
}

export function isRedisUnavailable(err: unknown): err is RedisUnavailableError {
  return (
    err instanceof RedisUnavailableError ||
    (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'RedisUnavailableError')
  );
}

/** Where the client points and how its connection is, for error messages (never a password). */
export function describeRedis(redis: Redis): string {
  const { host, port, path } = redis.options;
  return `${path ?? `${host ?? '127.0.0.1'}:${port ?? 6379}`}, connection ${redis.status}`;
}

const CHECK = 'check that Redis is running and reachable at the URL vahub is configured with (REDIS_URL)';

/** How long a store waits for one Redis command before giving up. */
export const DEFAULT_REDIS_TIMEOUT_MS = 5_000;

export interface BoundedOptions<T> {
  ms: number;
  /** What the command was for, e.g. `GET vahub:token:xero`. */
  what: string;
  /** The client, to name it in the error (address and connection state). */
  redis?: Redis;
  /**
   * Called with the answer if it comes after the caller gave up. ioredis keeps an unsent command in
   * its offline queue (`maxRetriesPerRequest: null`, as BullMQ requires) and sends it once Redis is
   * back, so a command that gave up may still take effect later: this is where to undo it.
   */
  onLate?: (value: T) => void;
}

/**
 * Wait for a Redis command at most `ms`. With `maxRetriesPerRequest: null` ioredis waits forever
 * for a Redis that is down; every wait of the stores goes through here so none can hang a job.
 * A Redis error reply (WRONGTYPE, OOM…) and any other failure of the work itself (a cron pattern
 * BullMQ refuses) are passed on as they are; a lost connection or no answer in time becomes a
 * retryable `RedisUnavailableError`.
 */
export function bounded<T>(command: Promise<T>, options: BoundedOptions<T>): Promise<T> {
  // One promise and one timer per command (every store's every command comes through here); the
  // error text is built only when there is an error.
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(
        new RedisUnavailableError(
          `Redis did not answer ${options.what} within ${options.ms} ms${whereOf(options)}: ${CHECK}`,
        ),
      );
    }, options.ms);
    command.then(
      (value) => {
        if (done) {
          // The caller gave up long ago: an undo that fails has nobody to tell.
          try {
            options.onLate?.(value);
          } catch {}
          return;
        }
        done = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        // After giving up, a failure has nobody to tell (and must not surface as unhandled).
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!isConnectionFailure(err)) {
          reject(err);
          return;
        }
        reject(
          new RedisUnavailableError(
            `Redis ${options.what} failed${whereOf(options)}: ${(err as Error)?.message ?? String(err)}; ${CHECK}`,
            { cause: err },
          ),
        );
      },
    );
  });
}

const whereOf = (options: { redis?: Redis }) => (options.redis ? ` (${describeRedis(options.redis)})` : '');

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/** Whether a failure says Redis could not be reached (rather than what was asked being wrong). */
function isConnectionFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code, message } = err as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'ReplyError') return false;
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return (
    typeof message === 'string' &&
    /Connection is closed|Stream isn't writeable|enableOfflineQueue|connect E[A-Z]+/.test(message)
  );
}
