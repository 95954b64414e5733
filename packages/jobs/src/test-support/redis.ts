import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { createRedis } from '../redis/connection.js';

/** A connection as the service makes it (`maxRetriesPerRequest: null`, what BullMQ needs). */
export function serviceRedis(): Redis {
  return createRedis(testRedisUrl());
}

/** A queue prefix of this test alone, in braces like the service's own. */
export function uniqueQueuePrefix(name: string): string {
  return `{${uniquePrefix(name)}}`;
}

/** Delete every key under `prefix`: the shared Redis keeps nothing of a test. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
