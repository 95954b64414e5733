import { randomUUID } from 'node:crypto';
import {
  ConnectorError,
  type LimitAnswer,
  type LimitRequest,
  type Logger,
  parseRetryAfter,
  type RateLimiter,
  silentLogger,
} from '@vahub/core';
import type { Redis } from 'ioredis';
import { bounded } from '../redis/bounded.js';
import { defaultLimitPolicies, describePolicy, type LimitPolicy, type LimitReading } from './policy.js';
import { ACQUIRE, PAUSE, RENEW, SYNC } from './scripts.js';

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** @defaultValue "vahub" */
  prefix?: string;
  /** Limits by connector id; a provider without one is only paused by its own 429s. @defaultValue `defaultLimitPolicies` */
  policies?: Readonly<Record<string, LimitPolicy>>;
  /**
   * The longest a call waits for a place. A longer wait throws a retryable `rate_limited`
   * ConnectorError with `retryAfterMs`, so a job waits in the queue (spending no try) instead of
   * holding a worker. @defaultValue 10_000
   */
  maxWaitMs?: number;
  /**
   * How long a call's place among those in flight lasts without renewal: a process that dies with
   * calls in flight frees their places after this. Renewed while the call runs. @defaultValue 30_000
   */
  leaseMs?: number;
  /** How often a caller waiting for a place in flight asks again. @defaultValue 25 */
  pollMs?: number;
  /** How long one Redis call may take. @defaultValue 2_000 */
  redisTimeoutMs?: number;
  /**
   * Places taken from Redis in one round trip while a key is far under its limits (every window at
   * most half full with them) and has no cap in flight: the rest are spent by this process without
   * asking Redis, for `reserveMs`, then dropped. Each is counted in the windows as if made at the end
   * of that time, so the vendor's count can only be lower than vahub's. A 429 or a quota reading
   * seen by this process drops its places at once (another process's is seen within `reserveMs`).
   * 1 asks Redis for every call. @defaultValue 8
   */
  reserve?: number;
  /** How long reserved places may be used. @defaultValue 1_000 */
  reserveMs?: number;
  logger?: Logger;
  /** Told of every place granted, with the time waited (0 if granted on first asking) and Redis's clock at the grant (epoch ms). */
  onAcquire?: (info: { provider: string; key: string; waitedMs: number; grantedAt: number }) => void;
  /** Told of every call sent back because the wait was too long. */
  onDefer?: (info: { provider: string; key: string; retryAfterMs: number }) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const NO_POLICY: LimitPolicy = { windows: [] };

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Core's `RateLimiter`, held in Redis so it binds every worker process at once: sliding-window
 * counts (per minute, hour or day) and a cap on calls in flight, per provider and key, decided
 * atomically by a Lua script on Redis's clock. Places in flight are leases that lapse if their
 * process dies. The vendors' own limit headers (`observe`) count in calls other apps made on the
 * same tenant, and a 429's `Retry-After` pauses the key for every process.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;
  private readonly policies: Readonly<Record<string, LimitPolicy>>;
  private readonly maxWaitMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly redisTimeoutMs: number;
  private readonly logger: Logger;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly pending = new Set<Promise<void>>();
  private readonly reserve: number;
  private readonly reserveMs: number;
  /** Places reserved in Redis and not yet used, by calls key. */
  private readonly reserved = new Map<string, { left: number; until: number; grantedAt: number }>();

  constructor(private readonly options: RedisRateLimiterOptions) {
    this.prefix = options.prefix ?? 'vahub';
    this.policies = options.policies ?? defaultLimitPolicies;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 25;
    this.redisTimeoutMs = options.redisTimeoutMs ?? 2_000;
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.reserve = options.reserve ?? 8;
    this.reserveMs = options.reserveMs ?? 1_000;
    if (!(Number.isInteger(this.reserve) && this.reserve >= 1))
      throw new RangeError(`reserve must be a whole number >= 1, got ${this.reserve}`);
  }

  /** A place reserved earlier by this process, if one is left and still valid. */
  private takeReserved(request: LimitRequest, calls: string): boolean {
    const place = this.reserved.get(calls);
    if (!place) return false;
    if (place.left <= 0 || Date.now() >= place.until) {
      this.reserved.delete(calls);
      return false;
    }
    place.left -= 1;
    this.options.onAcquire?.({
      provider: request.provider,
      key: request.key,
      waitedMs: 0,
      grantedAt: place.grantedAt,
    });
    return true;
  }

  async acquire(request: LimitRequest): Promise<() => void> {
    const policy = this.policies[request.provider] ?? NO_POLICY;
    const keys = this.keysOf(request.provider, request.key);
    const batch = policy.concurrency ? 1 : this.reserve;
    if (batch > 1 && this.takeReserved(request, keys.calls)) return () => undefined;
    const member = randomUUID();
    const args = [
      member,
      String(this.leaseMs),
      String(policy.concurrency ?? 0),
      String(policy.windows.length),
      ...policy.windows.flatMap((w) => [String(w.limit), String(w.windowMs + (w.guardMs ?? 0))]),
      String(batch),
      String(this.reserveMs),
    ];
    const started = Date.now();
    let slept = false;
    for (;;) {
      const [waitMs, why, now, granted] = (await this.redis(
        request,
        this.options.redis.eval(ACQUIRE, 3, keys.calls, keys.flight, keys.pause, ...args),
      )) as [number, number, number, number];
      if (waitMs === 0) {
        if (granted > 1)
          this.reserved.set(keys.calls, {
            left: granted - 1,
            until: Date.now() + this.reserveMs,
            grantedAt: now,
          });
        this.options.onAcquire?.({
          provider: request.provider,
          key: request.key,
          waitedMs: slept ? Date.now() - started : 0,
          grantedAt: now,
        });
        return policy.concurrency ? this.lease(request, keys.flight, member) : () => undefined;
      }
      const waited = Date.now() - started;
      // A full in-flight cap frees whenever a call ends: ask again soon rather than at the lease's end.
      const next = why === 2 ? Math.min(waitMs, this.pollMs) : waitMs;
      if (waited + next > this.maxWaitMs)
        throw this.deferred(request, policy, why === 2 ? 1_000 : waitMs, why);
      await this.sleep(next + Math.floor(this.random() * this.pollMs), request.signal);
      slept = true;
    }
  }

  observe(answer: LimitAnswer): void {
    const readings: LimitReading[] = [
      ...(this.policies[answer.provider]?.readHeaders?.(answer.headers) ?? []),
    ];
    if (answer.status === 429) {
      const retryAfter = parseRetryAfter(answer.headers.get('retry-after'));
      if (retryAfter !== undefined && retryAfter > 0) readings.push({ kind: 'pause', ms: retryAfter });
    }
    if (readings.length === 0) return;
    this.reserved.delete(this.keysOf(answer.provider, answer.key).calls);
    const recording = this.learn(answer.provider, answer.key, readings)
      .catch((err: unknown) =>
        this.logger.warn(
          { provider: answer.provider, err: err instanceof Error ? err.message : String(err) },
          'could not record the limit headers',
        ),
      )
      .finally(() => this.pending.delete(recording));
    this.pending.add(recording);
  }

  /** Resolves once what `observe` learnt so far is in Redis (for shutdown, and tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Apply limit readings (what `observe` does with an answer's headers); resolves once recorded. */
  async learn(provider: string, key: string, readings: readonly LimitReading[]): Promise<void> {
    const policy = this.policies[provider] ?? NO_POLICY;
    const keys = this.keysOf(provider, key);
    this.reserved.delete(keys.calls);
    const request = { provider, key, operation: 'limits' };
    for (const reading of readings) {
      if (reading.kind === 'pause') {
        await this.redis(
          request,
          this.options.redis.eval(PAUSE, 1, keys.pause, String(Math.ceil(reading.ms))),
        );
        continue;
      }
      const window = policy.windows.find((w) => w.windowMs === reading.windowMs);
      if (!window) continue;
      const used = (reading.vendorLimit ?? window.limit) - reading.remaining;
      const offset = reading.resetsInMs === undefined ? 0 : reading.resetsInMs - reading.windowMs;
      await this.redis(
        request,
        this.options.redis.eval(
          SYNC,
          1,
          keys.calls,
          String(window.windowMs),
          String(used),
          String(offset),
          randomUUID(),
        ),
      );
    }
  }

  private keysOf(provider: string, key: string) {
    const base = `${this.prefix}:limit:{${provider}:${key}}`;
    return { calls: `${base}:calls`, flight: `${base}:flight`, pause: `${base}:pause` };
  }

  /** Keep the place in flight while the call runs; give it back once. */
  private lease(request: LimitRequest, flight: string, member: string): () => void {
    const renewal = setInterval(
      () => {
        this.options.redis.eval(RENEW, 1, flight, member, String(this.leaseMs)).catch(() => undefined);
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    renewal.unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearInterval(renewal);
      // A release that fails leaves the lease to lapse: never an error for the call itself.
      bounded(this.options.redis.zrem(flight, member), {
        ms: this.redisTimeoutMs,
        what: 'a limiter release',
      }).catch((err: unknown) =>
        this.logger.warn(
          { provider: request.provider, err: err instanceof Error ? err.message : String(err) },
          'could not release a place in flight; it lapses by itself',
        ),
      );
    };
  }

  private deferred(
    request: LimitRequest,
    policy: LimitPolicy,
    retryAfterMs: number,
    why: number,
  ): ConnectorError {
    this.options.onDefer?.({ provider: request.provider, key: request.key, retryAfterMs });
    const cause =
      why === 1
        ? `${request.provider} asked vahub to wait`
        : `vahub keeps to ${request.provider}'s limits (${describePolicy(policy)})`;
    return new ConnectorError({
      provider: request.provider,
      operation: request.operation,
      code: 'rate_limited',
      retryable: true,
      retryAfterMs,
      message: `${cause}: the call is deferred by ${Math.ceil(retryAfterMs / 1000)} s`,
    });
  }

  private async redis<T>(
    request: Pick<LimitRequest, 'provider' | 'operation'>,
    work: Promise<T>,
  ): Promise<T> {
    try {
      return await bounded(work, { ms: this.redisTimeoutMs, what: 'the rate limiter' });
    } catch (err) {
      throw new ConnectorError({
        provider: request.provider,
        operation: request.operation,
        code: 'unavailable',
        retryable: true,
        message: `the rate limiter could not reach Redis (${err instanceof Error ? err.message : String(err)})`,
        cause: err,
      });
    }
  }
}
