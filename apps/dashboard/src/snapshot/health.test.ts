// Service health against a real Redis: the queue figures equal the queues' own counts and the
// `/metrics` gauges, a failed job shows its reason (redacted), webhook deliveries come from the
// request counter, and a Redis that does not answer makes the part unavailable.
import { registerSecret } from '@vahub/core';
import { createRedis, JobQueues, VahubMetrics } from '@vahub/jobs';
import { deleteKeys } from '@vahub/jobs/testing';
import { testRedisUrl, uniquePrefix, within } from '@vahub/testkit';
import { QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueReader } from './deps.js';
import { gatherSnapshot } from './gather.js';

const config = {
  va: { timezone: 'Europe/Budapest', workingHours: {} as never },
  clients: [],
};
const SECRET = 'xoxo-health-test-secret-9876543210';
let redis: Redis;
let queues: JobQueues;

beforeAll(async () => {
  registerSecret(SECRET);
  redis = createRedis(testRedisUrl());
  queues = new JobQueues({ connection: redis, prefix: `{${uniquePrefix('dashboard-health')}}` });
  // One sweep fails for good, then two wait.
  const events = new QueueEvents('sweep', { connection: redis.duplicate(), prefix: queues.prefix });
  await events.waitUntilReady();
  const worker = new Worker(
    'sweep',
    async () => {
      throw new UnrecoverableError(`the task source refused the grant ${SECRET}: run vahub connect asana`);
    },
    { connection: redis.duplicate(), prefix: queues.prefix },
  );
  const failed = new Promise((resolve) => events.once('failed', resolve));
  await queues.add('sweep', { provider: 'asana', subject: 'task', clientId: null });
  await within(failed, 10_000, 'the sweep failing');
  await worker.close();
  await events.close();
  await queues.add('sweep', { provider: 'asana', subject: 'task', clientId: 'koala-co' });
  await queues.add('sweep', { provider: 'toggl', subject: 'time-entry', clientId: null });
});
afterAll(async () => {
  await queues?.close();
  await deleteKeys(redis, queues.prefix);
  await redis?.quit();
});

describe('service health', () => {
  it('shows the queue figures the queues and /metrics have, and the failure with its reason', async () => {
    const metrics = new VahubMetrics();
    metrics.watchQueues(queues);
    metrics.recordRequest({ route: 'webhook', provider: 'asana', outcome: 'accepted', status: 200 });
    metrics.recordRequest({ route: 'webhook', provider: 'asana', outcome: 'accepted', status: 200 });
    metrics.recordRequest({ route: 'webhook', provider: 'xero', outcome: 'bad-signature', status: 401 });
    const s = await gatherSnapshot({ config, queues: queueReader(queues), metrics });
    if (s.health.queues.status !== 'ok') throw new Error(s.health.queues.reason);
    const { queues: rows, failed } = s.health.queues.data;
    const sweep = rows.find((r) => r.queue === 'sweep');
    expect(sweep).toEqual({ queue: 'sweep', waiting: 2, active: 0, delayed: 0, failed: 1 });
    const depths = await queues.depths();
    expect(rows.map((r) => [r.queue, r.waiting, r.failed])).toEqual(
      depths.map((d) => [d.queue, d.waiting + d.prioritized, d.failed]),
    );
    const gauge = await metrics.registry.getSingleMetric('vahub_queue_jobs')?.get();
    const fromMetrics = (state: string) =>
      gauge?.values.find((v) => v.labels.queue === 'sweep' && v.labels.state === state)?.value;
    expect(fromMetrics('waiting')).toBe(sweep?.waiting);
    expect(fromMetrics('failed')).toBe(sweep?.failed);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.queue).toBe('sweep');
    expect(failed[0]?.reason).toMatch(/refused the grant .*: run vahub connect asana/);
    expect(JSON.stringify(s)).not.toContain(SECRET);
    expect(s.health.webhooks).toEqual({
      status: 'ok',
      data: [
        { provider: 'asana', outcome: 'accepted', count: 2 },
        { provider: 'xero', outcome: 'bad-signature', count: 1 },
      ],
    });
  });

  it('a Redis that does not answer makes the queues unavailable, within the bound', async () => {
    const dead = createRedis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => null });
    const gone = new JobQueues({
      connection: dead,
      prefix: `{${uniquePrefix('dashboard-dead')}}`,
      timeoutMs: 300,
    });
    try {
      const s = await gatherSnapshot({ config, queues: queueReader(gone), timeoutMs: 1_000 });
      expect(s.health.queues.status).toBe('unavailable');
      expect(s.health.rateLimits).toEqual({ status: 'unavailable', reason: 'rate limits: not configured' });
    } finally {
      await gone.close().catch(() => {});
      dead.disconnect();
    }
  });
});
