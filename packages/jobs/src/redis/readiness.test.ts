import { within } from '@vahub/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisServer, type RedisServerOptions } from '../testing/redis-server.js';
import { isRedisUnavailable } from './bounded.js';
import { assertRedisReady, RedisNotReadyError } from './readiness.js';

/** A private Redis configured for one test, and a client on it. */
async function withServer<T>(
  options: RedisServerOptions,
  fn: (redis: Redis, server: RedisServer) => Promise<T>,
): Promise<T> {
  const server = await RedisServer.start(options);
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  try {
    return await fn(redis, server);
  } finally {
    redis.disconnect();
    await server.dispose();
  }
}

describe('assertRedisReady', () => {
  it('refuses a Redis that may evict keys, naming the fix', async () => {
    await withServer({ maxmemoryPolicy: 'allkeys-lru' }, async (redis) => {
      const error = await assertRedisReady(redis).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(RedisNotReadyError);
      expect((error as Error).message).toMatch(/maxmemory-policy "allkeys-lru"/);
      expect((error as Error).message).toContain('CONFIG SET maxmemory-policy noeviction');
      expect((error as Error).message).toContain('redis.conf');
    });
  });

  it('accepts noeviction and reports the append-only file for `vahub doctor`', async () => {
    await withServer({ appendonly: true }, async (redis) => {
      const report = await assertRedisReady(redis);
      expect(report.maxmemoryPolicy).toBe('noeviction');
      expect(report.persistence).toMatchObject({ aof: true, appendfsync: 'always', rdbSchedule: '' });
      expect(report.warnings).toEqual([]);
      expect(report.version).toMatch(/^\d+\.\d+/);
    });
  });

  it('warns when Redis keeps nothing on disk', async () => {
    await withServer({ appendonly: false }, async (redis) => {
      const report = await assertRedisReady(redis);
      expect(report.persistence.aof).toBe(false);
      expect(report.warnings.join('\n')).toMatch(/keeps nothing on disk.*appendonly yes/);
    });
  });

  it('gives up on a Redis that does not answer', async () => {
    await withServer({}, async (redis, server) => {
      await redis.ping();
      await server.stop();
      const error = await within(
        assertRedisReady(redis, { timeoutMs: 200 }).catch((err: unknown) => err),
        10_000,
        'the readiness check',
      );
      expect(isRedisUnavailable(error)).toBe(true);
    });
  });
});
