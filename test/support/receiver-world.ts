// The webhook receiver app with the four real connectors' receivers, on real Redis and real HTTP:
// shared by the receiver fuzzer and the secrets test (the receiver bench takes its config and deliveries).
import { type Logger, MemoryLock, MemoryStateStore, MemoryTokenStore } from '@vahub/core';
import { createRedis, JobQueues } from '@vahub/jobs';
import { deleteKeys } from '@vahub/jobs/testing';
import { buildConnectors, parseVahubConfig } from '@vahub/registry';
import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import { createServer, type WebhookServer } from '@vahub/webhooks';
import type { Redis } from 'ioredis';
import { CONFIG, TENANT } from './flows-world.js';

/** Secrets as they would come from the environment: distinctive, so a leak is easy to find. */
export const SECRETS = {
  ASANA_TOKEN: 'asana-pat-SECRET-2f1d9c0e7b',
  TOGGL_API_TOKEN: 'toggl-api-token-SECRET-8a7c6b',
  GOOGLE_CLIENT_ID: 'google-client-id-SECRET-55aa.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'google-client-secret-SECRET-91b2',
  XERO_CLIENT_ID: 'xero-client-id-SECRET-7e6d',
  XERO_CLIENT_SECRET: 'xero-client-secret-SECRET-3c4d',
  XERO_WEBHOOK_KEY: 'xero-webhook-key-SECRET-0123456789abcdef',
} as const;

export const RECEIVER_CONFIG = CONFIG.replace(
  `clientSecret: "\${XERO_CLIENT_SECRET}" }`,
  `clientSecret: "\${XERO_CLIENT_SECRET}", webhookKey: "\${XERO_WEBHOOK_KEY}" }`,
);

/** The body of a Xero delivery as Xero sends it: one UPDATE of invoice `invoiceId`, numbered `n`. */
export function xeroInvoiceDelivery(invoiceId: string, n: number, entropy: string): string {
  return JSON.stringify({
    events: [
      {
        resourceUrl: `https://api.xero.com/api.xro/2.0/Invoices/${invoiceId}`,
        resourceId: invoiceId,
        eventDateUtc: '2026-12-07T01:15:40.000',
        eventType: 'UPDATE',
        eventCategory: 'INVOICE',
        tenantId: TENANT,
        tenantType: 'ORGANISATION',
      },
    ],
    lastEventSequence: n,
    firstEventSequence: n,
    entropy,
  });
}

export interface ReceiverWorld {
  url: string;
  server: WebhookServer;
  queues: JobQueues;
  redis: Redis;
  logger: Logger;
  /** Jobs in every queue, whatever their state. */
  jobs(): Promise<number>;
  stop(): Promise<void>;
}

/** The receiver with every real connector's receiver; queues and stores under a unique prefix. */
export async function startReceiverWorld(options: { logger: Logger }): Promise<ReceiverWorld> {
  if (RECEIVER_CONFIG === CONFIG) throw new Error('the receiver config did not take the Xero webhook key');
  const config = parseVahubConfig(RECEIVER_CONFIG, { env: { ...SECRETS } });
  const { logger } = options;
  const { instances } = buildConnectors(config, {
    tokens: new MemoryTokenStore(),
    lock: new MemoryLock(),
    logger,
    state: new MemoryStateStore(),
    sleep: async () => undefined,
  });
  const receivers = Object.fromEntries(
    [...instances].flatMap(([id, instance]) => (instance.webhooks ? [[id, instance.webhooks]] : [])),
  );
  const redis = createRedis(testRedisUrl());
  const prefix = uniquePrefix('fuzz');
  const queues = new JobQueues({ connection: redis, prefix: `{${prefix}}` });
  const server = createServer({ receivers, queues, redis, logger, redisPrefix: prefix });
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    server,
    queues,
    redis,
    logger,
    jobs: async () =>
      (await queues.depths()).reduce(
        (n, d) => n + d.waiting + d.delayed + d.active + d.completed + d.failed,
        0,
      ),
    stop: async () => {
      await server.close({ graceMs: 1_000 });
      await queues.close();
      await deleteKeys(redis, prefix);
      await deleteKeys(redis, `{${prefix}}`);
      await redis.quit();
    },
  };
}
