import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection as BullMQ needs it (`maxRetriesPerRequest: null`: a blocking worker command
 * must not fail while Redis restarts). Stores built on it bound their own waits (`bounded`).
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}
