import { isLeaseLost, type Lease, LeaseLostError } from '@vahub/core';
import { uniquePrefix, within } from '@vahub/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRedisUnavailable } from '../redis/bounded.js';
import { RedisServer } from '../testing/redis-server.js';
import { RedisLock } from './redis-lock.js';

// A private Redis: these tests stop and restart it. Clients use `maxRetriesPerRequest: null`, what
// BullMQ requires and what made every wait unbounded before.
let server: RedisServer;
const clients: Redis[] = [];
function client(): Redis {
  const c = new Redis(server.url, { maxRetriesPerRequest: null });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await RedisServer.start();
});
afterEach(async () => {
  await server.start();
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await server.dispose();
});

/** The reason `signal` aborts with. */
function lossOf(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true }),
  );
}

/** Block the whole process, as a long GC pause or a stopped VM would. */
function pauseProcess(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('RedisLock: a lost lease', () => {
  it('key deleted under the holder: its signal aborts, its next effect is refused, and the next holder gets in with a larger fence', async () => {
    const prefix = uniquePrefix('lease');
    const admin = client();
    const effects: string[] = [];
    // The lease is long enough that a loaded event loop cannot let it run out before its renewal sees
    // the key gone (that would be 'expired', not 'taken').
    const holder = new RedisLock({ redis: client(), prefix, ttlMs: 1_500 });
    const next = new RedisLock({ redis: client(), prefix, waitMs: 5_000 });
    const effect = (lease: Lease, name: string) => {
      lease.assertHeld();
      effects.push(name);
    };
    const outcome = await holder
      .withLock('invoice-run:koala', async (lease) => {
        effect(lease, 'first write');
        await admin.del(`${prefix}:lock:invoice-run:koala`);
        const reason = await within(lossOf(lease.signal), 5_000, 'the lease loss');
        expect(reason).toBeInstanceOf(LeaseLostError);
        expect((reason as LeaseLostError).reason).toBe('taken');
        const fence = await next.withLock('invoice-run:koala', async (second) => {
          effect(second, 'second holder write');
          return second.fence;
        });
        expect(fence).toBeGreaterThan(lease.fence);
        effect(lease, 'second write');
      })
      .catch((err: unknown) => err);
    expect(isLeaseLost(outcome)).toBe(true);
    expect(effects).toEqual(['first write', 'second holder write']);
  });

  it('a pause longer than the lease: the holder stops at its next check, while another holder took the lock', async () => {
    const prefix = uniquePrefix('lease');
    const holder = new RedisLock({ redis: client(), prefix, ttlMs: 200 });
    const next = new RedisLock({ redis: client(), prefix, waitMs: 0 });
    const effects: string[] = [];
    const outcome = await holder
      .withLock('token-refresh:xero', async (lease) => {
        lease.assertHeld();
        effects.push('before the pause');
        pauseProcess(600);
        // Nothing ran during the pause, not even a renewal: the check alone must see the lease is gone.
        expect(() => lease.assertHeld()).toThrow(LeaseLostError);
        await next.withLock('token-refresh:xero', async (second) => {
          second.assertHeld();
          effects.push('other holder');
        });
        lease.assertHeld();
        effects.push('after the pause');
      })
      .catch((err: unknown) => err);
    expect(isLeaseLost(outcome)).toBe(true);
    expect((outcome as LeaseLostError).reason).toBe('expired');
    expect(effects).toEqual(['before the pause', 'other holder']);
  });

  it('Redis restarted empty under the holder: the lease is lost, and the next fence is still larger though the counter was lost', async () => {
    const prefix = uniquePrefix('lease');
    const holder = new RedisLock({ redis: client(), prefix, ttlMs: 2_000 });
    const next = new RedisLock({ redis: client(), prefix, waitMs: 5_000 });
    let first = 0;
    let second = 0;
    const outcome = await holder
      .withLock('invoice-run:koala', async (lease) => {
        first = lease.fence;
        await server.kill();
        await server.start();
        expect(isLeaseLost(await within(lossOf(lease.signal), 10_000, 'the lease loss'))).toBe(true);
        second = await next.withLock('invoice-run:koala', async (other) => other.fence);
        lease.assertHeld();
      })
      .catch((err: unknown) => err);
    expect(isLeaseLost(outcome)).toBe(true);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
  });

  it('Redis gone under the holder: the lease runs out and its signal aborts', async () => {
    const prefix = uniquePrefix('lease');
    const holder = new RedisLock({ redis: client(), prefix, ttlMs: 400, commandTimeoutMs: 100 });
    const events: string[] = [];
    const reason = await holder.withLock('k', async (lease) => {
      await server.stop();
      const lost = await within(lossOf(lease.signal), 10_000, 'the lease loss');
      events.push('lost');
      return lost;
    });
    expect(events).toEqual(['lost']);
    expect((reason as LeaseLostError).reason).toBe('expired');
  });
});

describe('RedisLock: every Redis wait is bounded', () => {
  it('with Redis down, gives up within waitMs with a retryable error naming Redis; once back, the queued try leaves no lock behind', async () => {
    const prefix = uniquePrefix('lock-down');
    const redis = client();
    await redis.ping();
    await server.stop();
    let ran = false;
    const lock = new RedisLock({ redis, prefix, waitMs: 300 });
    const error = await within(
      lock
        .withLock('token-refresh:xero', async () => {
          ran = true;
        })
        .catch((err: unknown) => err),
      10_000,
      'withLock with Redis down',
    );
    expect(ran).toBe(false);
    expect(isRedisUnavailable(error)).toBe(true);
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
    expect((error as Error).message).toMatch(/check that Redis is running/);
    expect((error as { retryable?: boolean }).retryable).toBe(true);

    await server.start();
    await within(redis.ping(), 10_000, 'the reconnect');
    // The try queued while Redis was down has run by now and taken the lock; it must have been
    // released, or this would wait out its 30-second TTL.
    const again = new RedisLock({ redis, prefix, waitMs: 0 });
    expect(await again.withLock('token-refresh:xero', async (lease) => lease.fence)).toBeGreaterThan(0);
  });
});
