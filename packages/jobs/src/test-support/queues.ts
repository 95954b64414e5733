import type { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import type { Catalog } from '../catalog/catalog.js';
import { JobQueues } from '../queues/queues.js';
import { deleteKeys, serviceRedis, uniqueQueuePrefix } from './redis.js';

/** What a test file of the queues shares: one connection, and what its tests leave to close. */
export interface QueueTests {
  redis: Redis;
  /** Run after the file's tests, the last pushed first; then the connection quits. */
  cleanups: (() => Promise<unknown>)[];
  /** Queues under a prefix of their own, closed and their keys deleted after the file's tests. */
  queuesFor(name: string): JobQueues;
  queuesFor<C extends Catalog>(name: string, catalog: C): JobQueues<C>;
  /** As `queuesFor`, keeping the last `count` finished jobs' records (BullMQ removes the rest as jobs complete). */
  queuesKeeping(name: string, count: number): JobQueues;
}

/** Call at the top of a test file: connects now, and cleans up after the file's tests. */
export function queueTests(): QueueTests {
  const redis = serviceRedis();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await redis.quit();
  });
  /** Closed and their keys deleted after the file's tests. */
  function kept<Q extends { prefix: string; close(): Promise<void> }>(queues: Q): Q {
    cleanups.push(async () => {
      await queues.close();
      await deleteKeys(redis, queues.prefix);
    });
    return queues;
  }
  function queuesFor(name: string): JobQueues;
  function queuesFor<C extends Catalog>(name: string, catalog: C): JobQueues<C>;
  function queuesFor(name: string, catalog?: Catalog): JobQueues<Catalog> | JobQueues {
    const prefix = uniqueQueuePrefix(name);
    return catalog
      ? kept(new JobQueues({ connection: redis, prefix, catalog }))
      : kept(new JobQueues({ connection: redis, prefix }));
  }
  const queuesKeeping = (name: string, count: number) =>
    kept(new JobQueues({ connection: redis, prefix: uniqueQueuePrefix(name), keepCompleted: { count } }));
  return { redis, cleanups, queuesFor, queuesKeeping };
}
