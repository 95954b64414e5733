import { randomUUID } from 'node:crypto';
import { type Lock, VahubError } from '@vahub/core';
import type { Redis } from 'ioredis';

export interface RedisLockOptions {
  redis: Redis;
  /** @defaultValue "vahub" */
  prefix?: string;
  /** How long a holder may keep the lock if it dies without releasing it. @defaultValue 30 s */
  ttlMs?: number;
  /** How long to wait for the lock before giving up. @defaultValue 60 s */
  waitMs?: number;
  /** Told of each lease renewal, and of a renewal that found the lease taken over or Redis unreachable (for logs and alerts). */
  onLease?: (event: 'renewed' | 'lost', key: string) => void;
}

// Delete the key only if this holder still owns it: a holder whose lease ran out must not free
// the next holder's lock.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Extend the lease only while this holder still owns it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export class LockTimeoutError extends VahubError {
  override name = 'LockTimeoutError';
}

/**
 * A lease lock in Redis (SET NX PX + owner-checked release): one holder at a time across every
 * process that shares the Redis, e.g. for a token refresh or a client's invoice run. While the work
 * runs, the lease is renewed every third of its TTL, so slow work (a 60 s Retry-After) keeps the lock;
 * if the holder dies, the lease runs out and the next holder gets in.
 */
export class RedisLock implements Lock {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(private readonly options: RedisLockOptions) {
    this.prefix = `${options.prefix ?? 'vahub'}:lock:`;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitMs = options.waitMs ?? 60_000;
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const redisKey = this.prefix + key;
    const owner = randomUUID();
    const deadline = Date.now() + this.waitMs;
    let pause = 10;
    while ((await this.options.redis.set(redisKey, owner, 'PX', this.ttlMs, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) {
        throw new LockTimeoutError(
          `could not take the lock "${key}" within ${this.waitMs} ms: another vahub process holds it`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 200);
    }
    const renewal = setInterval(
      () => {
        this.options.redis.eval(RENEW, 1, redisKey, owner, String(this.ttlMs)).then(
          (renewed) => this.options.onLease?.(renewed === 0 ? 'lost' : 'renewed', key),
          () => this.options.onLease?.('lost', key),
        );
      },
      Math.max(10, Math.floor(this.ttlMs / 3)),
    );
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      // A failed release must not hide the work's result: the lease runs out by itself.
      await this.options.redis.eval(RELEASE, 1, redisKey, owner).catch(() => undefined);
    }
  }
}
