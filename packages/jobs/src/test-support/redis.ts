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

export { deleteKeys } from '../testing/redis-keys.js';
