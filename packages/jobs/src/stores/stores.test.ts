import { randomBytes } from 'node:crypto';
import { TokenManager } from '@vahub/core';
import { deferred, testRedisUrl, uniquePrefix, within } from '@vahub/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptionKeyFrom } from './encryption.js';
import { LockTimeoutError, RedisLock } from './redis-lock.js';
import { RedisTokenStore } from './redis-token-store.js';

let redis: Redis;
const key = randomBytes(32);
const token = {
  accessToken: 'access-abcdef-123',
  refreshToken: 'refresh-abcdef-456',
  expiresAt: Date.now() + 3_600_000,
};

beforeAll(() => {
  redis = new Redis(testRedisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis.quit();
});

describe('RedisTokenStore', () => {
  it('round-trips a token and stores nothing readable', async () => {
    const prefix = uniquePrefix('tokens');
    const store = new RedisTokenStore({ redis, prefix, key });
    await store.set('xero', token);
    expect(await store.get('xero')).toEqual(token);
    const raw = (await redis.get(`${prefix}:token:xero`)) ?? '';
    expect(raw).not.toContain('access-abcdef');
    expect(raw).not.toContain('refresh-abcdef');
    await store.delete('xero');
    expect(await store.get('xero')).toBeNull();
  });

  it('refuses a value moved to another key, and says what to do when the key changed', async () => {
    const prefix = uniquePrefix('tokens');
    const store = new RedisTokenStore({ redis, prefix, key });
    await store.set('xero', token);
    await redis.set(`${prefix}:token:google`, (await redis.get(`${prefix}:token:xero`)) ?? '');
    await expect(store.get('google')).rejects.toThrow(/cannot be decrypted/);
    const other = new RedisTokenStore({ redis, prefix, key: randomBytes(32) });
    await expect(other.get('xero')).rejects.toThrow(/VAHUB_ENCRYPTION_KEY changed/);
  });
});

describe('encryptionKeyFrom', () => {
  it('accepts 32 bytes as hex or base64 and explains anything else', () => {
    expect(encryptionKeyFrom(key.toString('hex'))).toEqual(key);
    expect(encryptionKeyFrom(key.toString('base64'))).toEqual(key);
    expect(() => encryptionKeyFrom(undefined)).toThrow(/openssl rand -base64 32/);
    expect(() => encryptionKeyFrom('c2hvcnQ=')).toThrow(/must be 32 bytes/);
  });
});

describe('RedisLock', () => {
  it('lets one holder in at a time across separate connections', async () => {
    const prefix = uniquePrefix('lock');
    const clients = Array.from({ length: 4 }, () => new Redis(testRedisUrl()));
    let inside = 0;
    let most = 0;
    let entered = 0;
    try {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          new RedisLock({ redis: clients[i % clients.length] as Redis, prefix }).withLock(
            'refresh',
            async () => {
              inside += 1;
              entered += 1;
              most = Math.max(most, inside);
              await redis.incr(`${prefix}:counter`);
              inside -= 1;
            },
          ),
        ),
      );
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
    expect(entered).toBe(12);
    expect(most).toBe(1);
  });

  it('gives up with a clear error when the lock stays taken', async () => {
    const prefix = uniquePrefix('lock');
    await redis.set(`${prefix}:lock:busy`, 'someone-else', 'PX', 10_000);
    const lock = new RedisLock({ redis, prefix, waitMs: 50 });
    await expect(lock.withLock('busy', async () => 1)).rejects.toBeInstanceOf(LockTimeoutError);
  });

  it('does not free a lock that another holder took after this one expired', async () => {
    const prefix = uniquePrefix('lock');
    const lock = new RedisLock({ redis, prefix, ttlMs: 1_000 });
    await lock.withLock('lease', async () => {
      await redis.set(`${prefix}:lock:lease`, 'next-holder');
    });
    expect(await redis.get(`${prefix}:lock:lease`)).toBe('next-holder');
  });

  it('renews its lease while slow work runs, so nobody else gets in after the TTL', async () => {
    const prefix = uniquePrefix('lock');
    const renewals: string[] = [];
    const thrice = deferred();
    const lock = new RedisLock({
      redis,
      prefix,
      // Renewed every 200 ms: a loaded test machine's event-loop stalls of a few tens of ms must
      // not cost the lease (at 90 ms, a 60-ms stall did, in runs beside other work).
      ttlMs: 600,
      onLease: (event) => {
        if (event === 'acquired') return;
        renewals.push(event);
        if (renewals.length >= 3) thrice.resolve();
      },
    });
    const result = await lock.withLock('slow', async () => {
      // Three renewals take at least a whole TTL: without them the lease would have run out.
      await within(thrice.promise, 5_000, 'three lease renewals');
      const rival = new RedisLock({ redis, prefix, waitMs: 0 });
      await expect(rival.withLock('slow', async () => 'rival')).rejects.toBeInstanceOf(LockTimeoutError);
      return 'done';
    });
    expect(result).toBe('done');
    expect(renewals.slice(0, 3)).toEqual(['renewed', 'renewed', 'renewed']);
    expect(await redis.exists(`${prefix}:lock:slow`)).toBe(0);
  });

  it('returns the work result even when Redis is gone by release time', async () => {
    const own = new Redis(testRedisUrl());
    const lock = new RedisLock({ redis: own, prefix: uniquePrefix('lock') });
    const result = await lock.withLock('k', async () => {
      own.disconnect();
      return 42;
    });
    expect(result).toBe(42);
  });

  it('with TokenManager and the Redis store, 10 managers needing a refresh refresh once', async () => {
    const prefix = uniquePrefix('refresh');
    const store = new RedisTokenStore({ redis, prefix, key });
    await store.set('grant', { ...token, expiresAt: Date.now() - 1 });
    let refreshes = 0;
    const managers = Array.from(
      { length: 10 },
      () =>
        new TokenManager({
          provider: 'xero',
          key: 'grant',
          store,
          lock: new RedisLock({ redis, prefix }),
          refresh: async (refreshToken) => {
            refreshes += 1;
            expect(refreshToken).toBe('refresh-abcdef-456');
            return {
              accessToken: 'access-new-000001',
              refreshToken: 'refresh-new-000002',
              expiresAt: Date.now() + 1_800_000,
            };
          },
        }),
    );
    const tokens = await Promise.all(managers.map((m) => m.accessToken()));
    expect(refreshes).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['access-new-000001']));
    expect((await store.get('grant'))?.refreshToken).toBe('refresh-new-000002');
  });
});
