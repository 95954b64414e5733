import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Lease, type Lock, VahubError } from '@vahub/core';
import type { Redis } from 'ioredis';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS, isRedisUnavailable } from '../redis/bounded.js';
import { VAHUB_PREFIX } from '../redis/keys.js';
import { type LeaseEvent, RedisLease } from './redis-lease.js';

export interface RedisLockOptions {
  redis: Redis;
  /** Key prefix; keep a `{…}` hash tag on Redis Cluster. @defaultValue VAHUB_PREFIX (`{vahub}`) */
  prefix?: string;
  /** How long a holder may keep the lock if it dies without releasing it. @defaultValue 30 s */
  ttlMs?: number;
  /**
   * How long to wait for the lock, Redis round trips included (the last try may take up to 250 ms
   * more); then `LockTimeoutError` (someone holds it) or `RedisUnavailableError` (Redis did not
   * answer). 0 tries once. @defaultValue 60 s
   */
  waitMs?: number;
  /** Longest wait for one Redis command (a try, a renewal, the release). @defaultValue 5 s */
  commandTimeoutMs?: number;
  /** Told when a lease is taken, renewed and lost (for logs and alerts). */
  onLease?: (event: LeaseEvent, key: string) => void;
}

// Take the lock and hand out the next fencing token. The token never goes below Redis's clock in
// milliseconds, so it keeps increasing even after a restart that lost the counter.
const ACQUIRE = `if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  local now = redis.call('time')
  local floor = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  local fence = tonumber(redis.call('get', KEYS[2]) or '0') + 1
  if fence < floor then fence = floor end
  redis.call('set', KEYS[2], string.format('%.0f', fence))
  return fence
end
return 0`;
// Delete the key only if this holder still owns it: a holder whose lease ran out must not free
// the next holder's lock.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Extend the lease only while this holder still owns it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** The shortest time one try waits for Redis, however little of `waitMs` is left. */
const MIN_TRY_MS = 250;

export class LockTimeoutError extends VahubError {
  override name = 'LockTimeoutError';
  readonly retryable = true;
}

/**
 * A lease lock in Redis (SET NX PX + owner-checked release): one holder at a time across every
 * process that shares the Redis, e.g. for a token refresh or a client's invoice run. The work gets
 * a `Lease`: a fencing token, a signal that aborts when the lease is lost, and `assertHeld()` to
 * call before each side effect. The lease is renewed every third of its TTL, so slow work keeps the
 * lock and a dead holder frees it. Every Redis wait is bounded, `maxRetriesPerRequest: null` or not.
 */
export class RedisLock implements Lock {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly commandTimeoutMs: number;

  constructor(private readonly options: RedisLockOptions) {
    this.prefix = options.prefix ?? VAHUB_PREFIX;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitMs = options.waitMs ?? 60_000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  }

  async withLock<T>(key: string, fn: (lease: Lease) => Promise<T>): Promise<T> {
    const owner = randomUUID();
    const lease = await this.acquire(key, owner);
    try {
      return await fn(lease);
    } finally {
      lease.end();
      // A failed release must not hide the work's result: the lease runs out by itself.
      await this.release(key, owner).catch(() => undefined);
    }
  }

  private timeout(key: string): LockTimeoutError {
    return new LockTimeoutError(
      `could not take the lock "${key}" within ${this.waitMs} ms: another vahub process holds it`,
    );
  }

  private lockKey(key: string): string {
    return `${this.prefix}:lock:${key}`;
  }

  private release(key: string, owner: string): Promise<unknown> {
    const { redis } = this.options;
    const lockKey = this.lockKey(key);
    return bounded(redis.eval(RELEASE, 1, lockKey, owner), {
      redis,
      what: `the release of lock "${key}"`,
      ms: this.commandTimeoutMs,
    });
  }

  private async acquire(key: string, owner: string): Promise<RedisLease> {
    const { redis } = this.options;
    const deadline = performance.now() + this.waitMs;
    // Even with no wait left, a try gets this long to answer: enough for a healthy Redis.
    const floor = Math.min(this.commandTimeoutMs, MIN_TRY_MS);
    let answered = false;
    let pause = 10;
    for (;;) {
      const left = deadline - performance.now();
      const sentAt = performance.now();
      let fence: number;
      try {
        fence = Number(
          await bounded(
            redis.eval(ACQUIRE, 2, this.lockKey(key), `${this.prefix}:fence:${key}`, owner, this.ttlMs),
            {
              redis,
              what: `the lock "${key}"`,
              ms: Math.min(this.commandTimeoutMs, Math.max(left, floor)),
              // The queued try may take the lock once Redis is back, long after we gave up: free it.
              onLate: (taken) => {
                if (Number(taken) > 0) this.release(key, owner).catch(() => undefined);
              },
            },
          ),
        );
      } catch (err) {
        // Redis answered before and the lock was taken then: a slow last try does not change that.
        if (answered && isRedisUnavailable(err) && performance.now() >= deadline) throw this.timeout(key);
        throw err;
      }
      answered = true;
      if (fence > 0) {
        const lease = new RedisLease({
          key,
          fence,
          ttlMs: this.ttlMs,
          sentAt,
          commandTimeoutMs: this.commandTimeoutMs,
          onLease: this.options.onLease,
          renew: async (ms) =>
            Number(
              await bounded(redis.eval(RENEW, 1, this.lockKey(key), owner, String(this.ttlMs)), {
                redis,
                what: `the renewal of lock "${key}"`,
                ms,
              }),
            ) === 1,
        });
        this.options.onLease?.('acquired', key);
        return lease;
      }
      if (performance.now() >= deadline) throw this.timeout(key);
      const wait = Math.min(pause + Math.random() * pause, deadline - performance.now());
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      pause = Math.min(pause * 2, 200);
    }
  }
}
