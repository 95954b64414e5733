import { VahubError } from '@vahub/core';
import { Redis, type RedisOptions } from 'ioredis';
import { bounded } from './bounded.js';

/**
 * A Redis connection as BullMQ needs it (`maxRetriesPerRequest: null`: a blocking worker command
 * must not fail while Redis restarts). Stores built on it bound their own waits (`bounded`).
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/**
 * Refuse a Redis that may evict keys: an evicted job, lock or dedupe entry is a lost webhook or a
 * second draft invoice. Reads `INFO memory`, which managed Redis services allow where `CONFIG` is
 * disabled.
 */
export async function assertNoEviction(redis: Redis, timeoutMs = 5_000): Promise<void> {
  const info = await bounded(redis.info('memory'), { ms: timeoutMs, what: 'INFO memory' });
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy !== undefined && policy !== 'noeviction') {
    throw new VahubError(
      `Redis evicts keys under memory pressure (maxmemory-policy is ${policy}), which would lose queued jobs and locks: set \`maxmemory-policy noeviction\` in redis.conf or run \`CONFIG SET maxmemory-policy noeviction\``,
    );
  }
}
