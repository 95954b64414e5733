import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpPipeline, MemoryLogger } from '@vahub/core';
import { uniquePrefix } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../limits/redis-limiter.js';
import { JobQueues } from '../queues/queues.js';
import { deleteKeys, serviceRedis, uniqueQueuePrefix } from '../test-support/redis.js';
import { VahubMetrics } from './metrics.js';
import { meteredLogger } from './vendor-logger.js';

let redis: Redis;
let server: Server;
let base: string;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = serviceRedis();
  // A vendor that answers /ok with its minute counter, and /broken with a 500.
  server = createServer((req, res) => {
    if (req.url === '/ok') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-minlimit-remaining': '59' });
      res.end('{"ok":true}');
    } else {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"broken"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const p of prefixes) await deleteKeys(redis, p);
  await redis.quit();
});

/** The value of one sample line of the exposition, or null if absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe('VahubMetrics', () => {
  it('reports queue depths read from Redis at scrape time', async () => {
    const prefix = uniqueQueuePrefix('metrics');
    prefixes.push(prefix);
    const queues = new JobQueues({ connection: redis, prefix });
    const metrics = new VahubMetrics();
    metrics.watchQueues(queues);
    await queues.add('schedule.replan', { reason: 'a' });
    await queues.add('schedule.replan', { reason: 'b' });
    await queues.add('sweep', { provider: 'v', subject: 'task', clientId: null }, { delayMs: 60_000 });
    const text = await metrics.text();
    expect(sample(text, 'vahub_queue_jobs{queue="schedule.replan",state="waiting"}')).toBe(2);
    expect(sample(text, 'vahub_queue_jobs{queue="sweep",state="delayed"}')).toBe(1);
    expect(sample(text, 'vahub_queue_finished_jobs{queue="sweep",outcome="completed"}')).toBe(0);
    await queues.close();
  });

  it("counts every vendor call of core's pipeline and the limiter's waits, by provider", async () => {
    const metrics = new VahubMetrics();
    const logger = new MemoryLogger();
    const limits = uniquePrefix('metrics-limits');
    prefixes.push(limits);
    const limiter = new RedisRateLimiter({ redis, prefix: limits, ...metrics.limiterHooks() });
    const pipeline = new HttpPipeline({
      provider: 'test-vendor',
      logger: meteredLogger(logger, metrics),
      limiter,
      retry: { attempts: 1 },
    });
    await pipeline.request('ping', { method: 'GET', url: `${base}/ok` });
    await expect(pipeline.request('ping', { method: 'GET', url: `${base}/broken` })).rejects.toThrow(
      /HTTP 500/,
    );
    // The vendor asked for a second's pause: the next call waits it out.
    await limiter.learn('test-vendor', 'default', [{ kind: 'pause', ms: 1_000 }]);
    await pipeline.request('ping', { method: 'GET', url: `${base}/ok` });
    // A pause longer than the limiter's bound sends the call back instead (to wait in the queue).
    await limiter.learn('test-vendor', 'default', [{ kind: 'pause', ms: 120_000 }]);
    await expect(pipeline.request('ping', { method: 'GET', url: `${base}/ok` })).rejects.toMatchObject({
      code: 'rate_limited',
    });
    const text = await metrics.text();
    expect(sample(text, 'vahub_vendor_calls_total{provider="test-vendor",outcome="ok"}')).toBe(2);
    expect(sample(text, 'vahub_vendor_calls_total{provider="test-vendor",outcome="failed"}')).toBe(1);
    expect(sample(text, 'vahub_vendor_call_duration_seconds_count{provider="test-vendor"}')).toBe(3);
    expect(sample(text, 'vahub_rate_limit_waits_total{provider="test-vendor",outcome="waited"}')).toBe(1);
    expect(sample(text, 'vahub_rate_limit_waits_total{provider="test-vendor",outcome="deferred"}')).toBe(1);
    // The log lines still reach the logger underneath.
    expect(logger.lines.filter((l) => l.message.startsWith('vendor call'))).toHaveLength(3);
  });

  it('records job runs and HTTP requests it is told of', async () => {
    const metrics = new VahubMetrics();
    metrics.recordJob({ queue: 'sweep', outcome: 'completed', ms: 120 });
    metrics.recordRequest({ route: '/webhooks/:provider', provider: 'v', outcome: 'accepted', status: 200 });
    const text = await metrics.text();
    expect(sample(text, 'vahub_job_runs_total{queue="sweep",outcome="completed"}')).toBe(1);
    expect(sample(text, 'vahub_job_duration_seconds_sum{queue="sweep",outcome="completed"}')).toBe(0.12);
    expect(
      sample(
        text,
        'vahub_http_requests_total{route="/webhooks/:provider",provider="v",outcome="accepted",status="200"}',
      ),
    ).toBe(1);
  });
});
