import type { WebhookReceiver } from '@vahub/core';
import { MemoryLogger } from '@vahub/core';
import { createRedis, EventDedupeStore, JobQueues } from '@vahub/jobs';
import { deleteKeys } from '@vahub/jobs/testing';
import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { createServer, type WebhookServer, type WebhookServerOptions } from '../server.js';

export interface Running {
  url: string;
  server: WebhookServer;
  queues: JobQueues;
  dedupe: EventDedupeStore;
  logger: MemoryLogger;
  redis: Redis;
  /** Jobs waiting in every queue. */
  jobs(): Promise<number>;
  stop(): Promise<void>;
}

/** A receiver on 127.0.0.1 over real Redis, with queues and stores of its own. */
export async function startReceiver(
  receivers: Record<string, WebhookReceiver>,
  extra: Partial<WebhookServerOptions> = {},
): Promise<Running> {
  const redis = createRedis(testRedisUrl());
  const prefix = uniquePrefix('webhooks');
  const queues = new JobQueues({ connection: redis, prefix: `{${prefix}}` });
  const dedupe = new EventDedupeStore({ redis, prefix });
  const logger = new MemoryLogger();
  const server = createServer({ receivers, queues, dedupe, redis, logger, redisPrefix: prefix, ...extra });
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    server,
    queues,
    dedupe,
    logger,
    redis,
    jobs: async () => (await queues.depths()).reduce((n, d) => n + d.waiting + d.delayed + d.active, 0),
    stop: async () => {
      await server.close({ graceMs: 1_000 });
      await queues.close();
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}}`);
      await redis.quit();
    },
  };
}
