import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '@vahub/core';
import { createRedis, JobQueues } from '@vahub/jobs';
import { deleteKeys } from '@vahub/jobs/testing';
import { loadVahubConfig } from '@vahub/registry';
import { testRedisUrl } from '@vahub/testkit';
import { describe, expect, it } from 'vitest';
import { startService } from './start-service.js';

const WEBHOOK_KEY = 'the-webhook-key-of-this-test';
const env = {
  VAHUB_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  XERO_CLIENT_ID: 'client-id',
  XERO_CLIENT_SECRET: 'client-secret',
  XERO_WEBHOOK_KEY: WEBHOOK_KEY,
};
const example = fileURLToPath(new URL('../../../../vahub.config.example.yaml', import.meta.url));
const config = await loadVahubConfig(example, { env });

const delivery = JSON.stringify({
  events: [
    {
      resourceUrl: 'https://api.xero.com/api.xro/2.0/Invoices/inv-1',
      resourceId: 'inv-1',
      eventDateUtc: '2026-12-05T08:00:00.000',
      eventType: 'UPDATE',
      eventCategory: 'INVOICE',
      tenantId: 'tenant-1',
      tenantType: 'ORGANISATION',
    },
  ],
  firstEventSequence: 1,
  lastEventSequence: 1,
  entropy: 'ABCDEF',
});

describe("startService({ only: 'webhooks' }): the receiver alone", () => {
  it('verifies with the config’s secrets, enqueues what it accepts, and closes', async () => {
    const prefix = `{vahub-test-receiver-${randomBytes(4).toString('hex')}}`;
    const redis = createRedis(testRedisUrl());
    const queues = new JobQueues({ connection: redis, prefix, logger: silentLogger });
    const service = await startService({
      config,
      only: 'webhooks',
      env,
      redis,
      prefix,
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
    });
    try {
      expect(service.worker).toBeNull();
      const post = (signature: string) =>
        fetch(`${service.url}/webhooks/xero`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-xero-signature': signature },
          body: delivery,
        });
      const sign = (key: string) => createHmac('sha256', key).update(delivery).digest('base64');
      expect((await post(sign('another-key'))).status).toBe(401);
      expect((await queues.queue('event.invoice').getJobCounts('wait')).wait).toBe(0);
      expect((await post(sign(WEBHOOK_KEY))).status).toBe(200);
      expect((await queues.queue('event.invoice').getJobCounts('wait')).wait).toBe(1);
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${service.url}/webhooks/nobody`, { method: 'POST' })).status).toBe(404);
    } finally {
      await service.close();
      await queues.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });
});
