import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConnectorError } from '@vahub/core';
import { testRedisUrl, uniquePrefix, within } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../redis/connection.js';
import { deleteKeys, serviceRedis } from '../test-support/redis.js';
import { defaultLimitPolicies, type LimitPolicy, withQuotas } from './policy.js';
import { RedisRateLimiter, type RedisRateLimiterOptions } from './redis-limiter.js';

let redis: Redis;
const prefixes: string[] = [];
const connections: Redis[] = [];
function prefix(name: string): string {
  const p = uniquePrefix(name);
  prefixes.push(p);
  return p;
}
function connection(): Redis {
  const c = serviceRedis();
  connections.push(c);
  return c;
}

beforeAll(() => {
  redis = serviceRedis();
});
afterAll(async () => {
  for (const p of prefixes) await deleteKeys(redis, p);
  await Promise.all(connections.map((c) => c.quit()));
  await redis.quit();
});

const call = { provider: 'test-vendor', key: 'tenant-1', operation: 'call' };

/** No `limit + 1` grants inside any window: the (i + limit)th grant is a whole window after the ith. */
function windowViolations(grants: number[], limit: number, windowMs: number): number {
  const sorted = [...grants].sort((a, b) => a - b);
  let violations = 0;
  for (let i = 0; i + limit < sorted.length; i++) {
    if ((sorted[i + limit] as number) - (sorted[i] as number) < windowMs) violations++;
  }
  return violations;
}

const CALLER = fileURLToPath(new URL('../test-support/limiter-caller.ts', import.meta.url));

function runCaller(plan: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=vahub-source', '--import', 'tsx', CALLER], {
      env: { ...process.env, LIMITER_PLAN: JSON.stringify({ redisUrl: testRedisUrl(), ...plan }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`caller exited ${code}: ${err}`)),
    );
  });
}

describe('RedisRateLimiter across processes', () => {
  // Worker processes take seconds to start: all four start at once, and each test awaits its own.
  const crowd = { prefix: '', policy: { windows: [{ limit: 30, windowMs: 1_000 }], concurrency: 3 } };
  const dead = { prefix: '', policy: { windows: [], concurrency: 2 } };
  let crowdRun: Promise<unknown>;
  let deadRun: Promise<unknown>;
  beforeAll(() => {
    crowd.prefix = prefix('limits-procs');
    dead.prefix = prefix('limits-dead');
    const plan = { ...crowd, callers: 8, callsEach: 5, holdMs: 5 };
    crowdRun = Promise.all([runCaller(plan), runCaller(plan), runCaller(plan)]);
    deadRun = runCaller({ ...dead, callers: 2, callsEach: 1, holdMs: 0, leaseMs: 3_000, dieHolding: true });
    // Awaited by the tests; a failure must not go unhandled before then.
    crowdRun.catch(() => undefined);
    deadRun.catch(() => undefined);
  });

  it('never lets three worker processes exceed the window or the calls in flight', async () => {
    await within(crowdRun, 60_000, 'three callers');
    const p = crowd.prefix;
    const grants = (await redis.lrange(`${p}:test:grants`, 0, -1)).map(Number);
    expect(grants).toHaveLength(3 * 8 * 5);
    expect(windowViolations(grants, 30, 1_000)).toBe(0);
    const peak = Number(await redis.get(`${p}:test:peak`));
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(3);
    expect(Number(await redis.get(`${p}:test:flight`))).toBe(0);
  });

  it('frees the places of a process that died holding them, once their leases lapse', async () => {
    await within(deadRun, 60_000, 'the dying caller');
    const policies = { 'test-vendor': dead.policy };
    const limiter = new RedisRateLimiter({
      redis: connection(),
      prefix: dead.prefix,
      policies,
      maxWaitMs: 0,
    });
    const patient = new RedisRateLimiter({
      redis: connection(),
      prefix: dead.prefix,
      policies,
      maxWaitMs: 20_000,
    });
    // Both places are still held (unless the leases already lapsed while the test waited its turn).
    const now = await limiter.acquire(call).catch((e: unknown) => e);
    if (typeof now === 'function') now();
    else expect(now).toMatchObject({ code: 'rate_limited', retryable: true });
    const release = await within(patient.acquire(call), 25_000, 'a place after the leases lapsed');
    release();
    expect(await redis.zcard(`${dead.prefix}:limit:{test-vendor:tenant-1}:flight`)).toBe(0);
  });
});

describe('RedisRateLimiter', () => {
  it('holds the window and the cap for a hundred concurrent callers on five connections', async () => {
    const p = prefix('limits-many');
    const policy: LimitPolicy = { windows: [{ limit: 20, windowMs: 500 }], concurrency: 4 };
    const grants: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const limiters = Array.from(
      { length: 5 },
      () =>
        new RedisRateLimiter({
          redis: connection(),
          prefix: p,
          policies: { 'test-vendor': policy },
          maxWaitMs: 60_000,
          onAcquire: ({ grantedAt }) => grants.push(grantedAt),
        }),
    );
    await within(
      Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const release = await (limiters[i % 5] as RedisRateLimiter).acquire(call);
          inFlight++;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
          release();
        }),
      ),
      60_000,
      'a hundred callers',
    );
    expect(grants).toHaveLength(100);
    expect(windowViolations(grants, 20, 500)).toBe(0);
    expect(peak).toBeLessThanOrEqual(4);
  });

  it('counts a call guardMs longer than the window, so it has surely left the vendor’s window first', async () => {
    const grants: number[] = [];
    const limiter = new RedisRateLimiter({
      redis,
      prefix: prefix('limits-guard'),
      policies: { 'test-vendor': { windows: [{ limit: 2, windowMs: 200, guardMs: 300 }] } },
      maxWaitMs: 10_000,
      onAcquire: ({ grantedAt }) => grants.push(grantedAt),
    });
    for (let i = 0; i < 5; i++) (await limiter.acquire(call))();
    expect(grants).toHaveLength(5);
    expect(windowViolations(grants, 2, 500)).toBe(0);
  });

  it('sends a call back with retryAfterMs when the wait would be too long, naming the limit', async () => {
    const limiter = new RedisRateLimiter({
      redis,
      prefix: prefix('limits-defer'),
      policies: { 'test-vendor': { windows: [{ limit: 1, windowMs: 60_000 }] } },
      maxWaitMs: 50,
    });
    (await limiter.acquire(call))();
    const error = await limiter.acquire(call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, operation: 'call' });
    const wait = (error as ConnectorError).retryAfterMs ?? 0;
    expect(wait).toBeGreaterThan(50);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect((error as Error).message).toMatch(
      /keeps to test-vendor's limits \(1 per 1 min\): the call is deferred/,
    );
  });

  it('keeps to a plan’s quota in place of the default window of that length, and keeps the others', async () => {
    const policies = withQuotas(defaultLimitPolicies, {
      asana: [{ limit: 1_500, windowMs: 60_000 }],
      toggl: [{ limit: 3, windowMs: 3_600_000 }],
    });
    expect(policies.asana?.windows).toEqual([{ limit: 1_500, windowMs: 60_000 }]);
    expect(policies.xero).toBe(defaultLimitPolicies.xero);
    // Toggl's leaky bucket (1 a second) stays; its hour is the plan's.
    expect(policies.toggl?.windows).toEqual([
      { limit: 3, windowMs: 3_600_000 },
      { limit: 1, windowMs: 1_000 },
    ]);
    const limiter = new RedisRateLimiter({
      redis,
      prefix: prefix('limits-plan'),
      policies,
      maxWaitMs: 5_000,
    });
    const toggl = { provider: 'toggl', key: 'token-p', operation: 'report' };
    for (let i = 0; i < 3; i++) (await limiter.acquire(toggl))();
    await expect(limiter.acquire({ ...toggl })).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('stops waiting when the call is aborted', async () => {
    const limiter = new RedisRateLimiter({
      redis,
      prefix: prefix('limits-abort'),
      policies: { 'test-vendor': { windows: [{ limit: 1, windowMs: 60_000 }] } },
      maxWaitMs: 120_000,
    });
    (await limiter.acquire(call))();
    const controller = new AbortController();
    const waiting = limiter.acquire({ ...call, signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await expect(within(waiting, 5_000, 'the aborted wait')).rejects.toThrow('shutting down');
  });

  it("counts in a tenant's calls that other apps made, from Xero's minute header", async () => {
    const limiter = new RedisRateLimiter({ redis, prefix: prefix('limits-xero'), maxWaitMs: 0 });
    const tenant = { provider: 'xero', key: 'tenant-9', operation: 'listContacts' };
    // Xero says 5 calls are left this minute: vahub made none, so 55 were someone else's.
    await limiter.learn('xero', 'tenant-9', [
      { kind: 'remaining', windowMs: 60_000, remaining: 5, vendorLimit: 60 },
    ]);
    for (let i = 0; i < 5; i++) (await limiter.acquire(tenant))();
    await expect(limiter.acquire(tenant)).rejects.toMatchObject({ code: 'rate_limited' });
    // Another tenant is counted apart.
    (await limiter.acquire({ ...tenant, key: 'tenant-10' }))();
  });

  it("reads the vendors' headers: Toggl's quota pauses until it resets, a 429 pauses for its Retry-After", async () => {
    const limiter = new RedisRateLimiter({ redis, prefix: prefix('limits-headers'), maxWaitMs: 0 });
    limiter.observe({
      provider: 'toggl',
      key: 'token-a',
      status: 200,
      headers: new Headers({ 'x-toggl-quota-remaining': '0', 'x-toggl-quota-resets-in': '120' }),
    });
    limiter.observe({
      provider: 'calendar-vendor',
      key: 'default',
      status: 429,
      headers: new Headers({ 'retry-after': '7' }),
    });
    await limiter.settled();
    const toggl = await limiter
      .acquire({ provider: 'toggl', key: 'token-a', operation: 'list' })
      .catch((e) => e);
    expect(toggl).toMatchObject({ code: 'rate_limited' });
    expect(toggl.retryAfterMs).toBeGreaterThan(100_000);
    expect(toggl.retryAfterMs).toBeLessThanOrEqual(120_000);
    expect(toggl.message).toMatch(/toggl asked vahub to wait/);
    const other = await limiter
      .acquire({ provider: 'calendar-vendor', key: 'default', operation: 'busy' })
      .catch((e) => e);
    expect(other.retryAfterMs).toBeGreaterThan(5_000);
    expect(other.retryAfterMs).toBeLessThanOrEqual(7_000);
  });

  /** A limiter of `limit` calls a minute that reserves 8 places at a time, and its calls key. */
  function reserving(name: string, limit: number, more: Partial<RedisRateLimiterOptions> = {}) {
    const p = prefix(name);
    const limiter = new RedisRateLimiter({
      redis,
      prefix: p,
      policies: { 'test-vendor': { windows: [{ limit, windowMs: 60_000 }] } },
      reserve: 8,
      ...more,
    });
    return { p, limiter, calls: `${p}:limit:{test-vendor:tenant-1}:calls` };
  }

  it('takes several places in one round trip while far under the limit, each counted as made at the end of its hold', async () => {
    const grants: number[] = [];
    const { limiter, calls } = reserving('limits-reserve', 100, {
      reserveMs: 30_000,
      onAcquire: ({ grantedAt }) => grants.push(grantedAt),
    });
    (await limiter.acquire(call))();
    expect(await redis.zcard(calls)).toBe(8);
    const [, score] = await redis.zrange(calls, 0, 0, 'WITHSCORES');
    expect(Number(score)).toBeGreaterThanOrEqual((grants[0] ?? 0) + 30_000);
    // The next seven are this process's own: Redis is not asked, its count does not move.
    for (let i = 0; i < 7; i++) (await limiter.acquire(call))();
    expect(await redis.zcard(calls)).toBe(8);
    (await limiter.acquire(call))();
    expect(await redis.zcard(calls)).toBe(16);
    expect(grants).toHaveLength(9);
  });

  it('near the limit asks Redis for every call, and never grants more than the limit', async () => {
    const { p, limiter, calls } = reserving('limits-reserve-near', 20, { maxWaitMs: 0 });
    for (let i = 0; i < 20; i++) (await limiter.acquire(call))();
    // 8 at once (then 16 of 20 would be used), then one at a time.
    expect(await redis.zcard(calls)).toBe(20);
    await expect(limiter.acquire(call)).rejects.toMatchObject({ code: 'rate_limited' });
    // A cap in flight is never reserved: each call holds its own lease.
    const capped = new RedisRateLimiter({
      redis,
      prefix: p,
      policies: { 'capped-vendor': { windows: [{ limit: 100, windowMs: 60_000 }], concurrency: 3 } },
      reserve: 8,
    });
    (await capped.acquire({ ...call, provider: 'capped-vendor' }))();
    expect(await redis.zcard(`${p}:limit:{capped-vendor:tenant-1}:calls`)).toBe(1);
  });

  it('drops the places it reserved when the vendor answers 429, so the next call waits', async () => {
    const { limiter } = reserving('limits-reserve-429', 100, { maxWaitMs: 0 });
    (await limiter.acquire(call))();
    limiter.observe({
      provider: call.provider,
      key: call.key,
      status: 429,
      headers: new Headers({ 'retry-after': '5' }),
    });
    await limiter.settled();
    await expect(limiter.acquire(call)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('refuses a reserve that is not a whole number of at least 1', () => {
    expect(() => new RedisRateLimiter({ redis, reserve: 0 })).toThrow(
      /reserve must be a whole number >= 1, got 0/,
    );
  });

  it('has the configured defaults: Xero 60/min and 5 in flight, Asana 150/min, Toggl 240/h and 1/s', () => {
    expect(defaultLimitPolicies.xero).toMatchObject({
      windows: [{ limit: 60, windowMs: 60_000, guardMs: 2_000 }, {}],
      concurrency: 5,
    });
    expect(defaultLimitPolicies.asana?.windows).toEqual([{ limit: 150, windowMs: 60_000 }]);
    expect(defaultLimitPolicies.toggl?.windows).toEqual([
      { limit: 240, windowMs: 3_600_000 },
      { limit: 1, windowMs: 1_000 },
    ]);
  });

  it('fails as unavailable, within its bound, when Redis does not answer', async () => {
    const down = createRedis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => 50 });
    down.on('error', () => undefined);
    const limiter = new RedisRateLimiter({ redis: down, redisTimeoutMs: 200 });
    await expect(limiter.acquire(call)).rejects.toMatchObject({ code: 'unavailable', retryable: true });
    down.disconnect();
  });
});
