import { randomBytes } from 'node:crypto';
import { testRedisUrl, uniquePrefix, within } from '@vahub/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRedisUnavailable } from '../redis/bounded.js';
import { RedisServer } from '../testing/redis-server.js';
import { RedisTokenStore } from './redis-token-store.js';

const key = randomBytes(32);
const token = { accessToken: 'access-cas-000001', refreshToken: 'refresh-cas-000001', expiresAt: 2e12 };
const rotated = { accessToken: 'access-cas-000002', refreshToken: 'refresh-cas-000002', expiresAt: 2e12 };

let redis: Redis;
beforeAll(() => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis.quit();
});

describe('RedisTokenStore.replace', () => {
  it('writes only over the revision it was given, and carries a refresh intent', async () => {
    const store = new RedisTokenStore({ redis, prefix: uniquePrefix('cas'), key });
    expect(await store.read('xero')).toBeNull();
    const created = await store.replace('xero', { ifRevision: null, token, refreshing: null });
    expect(created).not.toBeNull();
    expect(await store.replace('xero', { ifRevision: null, token: rotated, refreshing: null })).toBeNull();

    const intent = { fence: 7, until: 1_900_000_000_000 };
    const marked = await store.replace('xero', { ifRevision: created, token, refreshing: intent });
    expect(marked).not.toBeNull();
    expect(await store.read('xero')).toEqual({ token, refreshing: intent, revision: marked });
    // A writer still holding the old revision changes nothing.
    expect(await store.replace('xero', { ifRevision: created, token: rotated, refreshing: null })).toBeNull();
    expect((await store.get('xero'))?.accessToken).toBe(token.accessToken);

    expect(
      await store.replace('xero', { ifRevision: marked, token: rotated, refreshing: null }),
    ).not.toBeNull();
    expect(await store.read('xero')).toMatchObject({ token: rotated, refreshing: null });
  });

  it('set clears an intent: a new grant from `vahub connect` waits for nobody', async () => {
    const store = new RedisTokenStore({ redis, prefix: uniquePrefix('cas'), key });
    await store.replace('xero', { ifRevision: null, token, refreshing: { fence: 1, until: 2e12 } });
    await store.set('xero', rotated);
    expect(await store.read('xero')).toMatchObject({ token: rotated, refreshing: null });
  });

  it('refuses a weak key before it seals anything', () => {
    expect(() => new RedisTokenStore({ redis, key: Buffer.alloc(32) })).toThrow(/all zero bytes/);
  });
});

describe('RedisTokenStore with Redis down', () => {
  it('every call gives up with a retryable error naming Redis (maxRetriesPerRequest: null)', async () => {
    const server = await RedisServer.start();
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    try {
      const store = new RedisTokenStore({
        redis: client,
        prefix: uniquePrefix('down'),
        key,
        commandTimeoutMs: 300,
      });
      await store.set('xero', token);
      await server.stop();
      const calls = {
        get: store.get('xero'),
        read: store.read('xero'),
        set: store.set('xero', rotated),
        replace: store.replace('xero', { ifRevision: null, token, refreshing: null }),
        delete: store.delete('xero'),
      };
      for (const [name, call] of Object.entries(calls)) {
        const error = await within(
          call.then(
            () => null,
            (err: unknown) => err,
          ),
          10_000,
          `${name} with Redis down`,
        );
        expect(isRedisUnavailable(error), name).toBe(true);
        expect((error as Error).message).toMatch(
          new RegExp(`Redis did not answer .* within 300 ms \\(127\\.0\\.0\\.1:${server.port}`),
        );
        expect((error as { retryable?: boolean }).retryable).toBe(true);
      }
    } finally {
      client.disconnect();
      await server.dispose();
    }
  });
});
