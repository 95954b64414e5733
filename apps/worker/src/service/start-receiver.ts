import {
  createRedis,
  createServiceLogger,
  encryptionKeyFrom,
  JobQueues,
  RedisStateStore,
  VAHUB_PREFIX,
} from '@vahub/jobs';
import { buildReceivers } from '@vahub/registry/receivers';
import { createServer } from '@vahub/webhooks';
import type { StartServiceOptions } from './start-service.js';

/** `startService`'s options that the receiver reads. */
export type StartReceiverOptions = Pick<
  StartServiceOptions,
  'config' | 'port' | 'host' | 'env' | 'redis' | 'logger' | 'prefix'
>;

export interface RunningReceiver {
  url: string;
  /** Stop taking requests (those in flight finish), close the queues and Redis. */
  close(): Promise<void>;
}

/**
 * `--only webhooks`: the receiver alone, loading only what receiving needs. Each connector's receiving
 * half (signatures, handshakes, the secrets in the state store) and the queues; no vendor SDK, no API
 * client, no token store, no planner. It verifies and enqueues; the workers do the rest.
 */
export async function startReceiver(options: StartReceiverOptions): Promise<RunningReceiver> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createServiceLogger({ name: 'webhooks' });
  const prefix = options.prefix ?? VAHUB_PREFIX;
  const key = encryptionKeyFrom(env.VAHUB_ENCRYPTION_KEY);
  const ownRedis = options.redis === undefined;
  const redis = options.redis ?? createRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const queues = new JobQueues({ connection: redis, prefix, logger });
  const closeRedis = async () => {
    await queues.close();
    if (ownRedis) await redis.quit().catch(() => redis.disconnect());
  };
  const server = createServer({
    receivers: buildReceivers(options.config, {
      logger,
      state: new RedisStateStore({ redis, prefix, encryptionKey: key }),
    }),
    queues,
    redis,
    logger,
    redisPrefix: prefix,
  });
  let url: string;
  try {
    ({ url } = await server.listen({
      port: options.port ?? options.config.webhooks.port,
      ...(options.host ? { host: options.host } : {}),
    }));
  } catch (err) {
    await closeRedis();
    throw err;
  }
  logger.info({ url }, 'webhook receiver listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= server.close().then(closeRedis);
      return closing;
    },
  };
}
