import type { WebhookReceiver } from '@vahub/core';
import { MemoryLogger } from '@vahub/core';
import { createRedis, JobQueues } from '@vahub/jobs';
import { deleteKeys } from '@vahub/jobs/testing';
import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { createServer, type WebhookServer, type WebhookServerOptions } from '../server.js';

export interface Running {
  url: string;
  server: WebhookServer;
  queues: JobQueues;
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
  // No finished job's record kept: a test that finishes a job sees it gone, as BullMQ removes old ones.
  const queues = new JobQueues({ connection: redis, prefix: `{${prefix}}`, keepCompleted: { count: 0 } });
  const logger = new MemoryLogger();
  const server = createServer({ receivers, queues, redis, logger, redisPrefix: prefix, ...extra });
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    server,
    queues,
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
