import { EventEmitter } from 'node:events';
import { MemoryLogger } from '@vahub/core';
import { createRedis, JobQueues } from '@vahub/jobs';
import { uniquePrefix, within } from '@vahub/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './server.js';
import { closeOnSignals } from './shutdown.js';
import { type Running, startReceiver } from './test-support/fixture.js';
import { gatedReceiver, pingReceiver } from './test-support/receivers.js';

describe('health and metrics', () => {
  let r: Running;
  beforeAll(async () => {
    r = await startReceiver({ calendar: pingReceiver('t') });
  });
  afterAll(async () => {
    await r.stop();
  });

  it('answers /healthz, and /readyz once Redis takes a write', async () => {
    expect(await (await fetch(`${r.url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${r.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, redis: 'writable' });
  });

  it('serves Prometheus text: requests by route and outcome, queue depths, jobs, vendor calls, waits', async () => {
    await fetch(`${r.url}/webhooks/calendar`, {
      method: 'POST',
      headers: { 'x-test-token': 't', 'x-test-message': '1' },
    });
    await fetch(`${r.url}/webhooks/calendar`, { method: 'POST', headers: { 'x-test-token': 'no' } });
    await fetch(`${r.url}/webhooks/unknown`, { method: 'POST' });
    r.server.metrics.recordVendorCall({ provider: 'calendar', ok: true, ms: 40 });
    r.server.metrics.recordRateLimitWait({ provider: 'calendar', ms: 250, deferred: false });
    const res = await fetch(`${r.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const has = (line: string) => expect(text.split('\n')).toContain(line);
    has(
      'vahub_http_requests_total{route="/webhooks/:provider",provider="calendar",outcome="accepted",status="200"} 1',
    );
    has(
      'vahub_http_requests_total{route="/webhooks/:provider",provider="calendar",outcome="rejected",status="401"} 1',
    );
    // An unknown provider's name is not a label: strangers cannot grow the series.
    has(
      'vahub_http_requests_total{route="/webhooks/:provider",provider="",outcome="unknown-provider",status="404"} 1',
    );
    has('vahub_queue_jobs{queue="event.calendar",state="waiting"} 1');
    has('vahub_queue_finished_jobs{queue="event.calendar",outcome="completed"} 0');
    has('vahub_vendor_calls_total{provider="calendar",outcome="ok"} 1');
    has('vahub_rate_limit_waits_total{provider="calendar",outcome="waited"} 1');
    expect(text).toContain('# TYPE vahub_job_duration_seconds histogram');
  });

  it('logs one JSON-ready line per request, without bodies or headers', async () => {
    await fetch(`${r.url}/webhooks/calendar`, {
      method: 'POST',
      headers: { 'x-test-token': 'secret-looking-token', 'x-test-message': '2' },
      body: 'secret-looking-body',
    });
    const line = r.logger.lines.findLast((l) => l.message === 'request');
    expect(line?.fields).toMatchObject({
      method: 'POST',
      route: '/webhooks/:provider',
      provider: 'calendar',
      status: 401,
    });
    expect(JSON.stringify(r.logger.lines)).not.toMatch(/secret-looking/);
  });
});

describe('when Redis is away', () => {
  it('answers 503 in time, so the vendor delivers again, and /readyz says why', async () => {
    const down = createRedis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => 100 });
    down.on('error', () => undefined);
    const prefix = uniquePrefix('webhooks-down');
    const queues = new JobQueues({ connection: down, prefix: `{${prefix}}`, timeoutMs: 300 });
    const server = createServer({
      receivers: { calendar: pingReceiver('t') },
      queues,
      redis: down,
      logger: new MemoryLogger(),
      answerWithinMs: 500,
      readyTimeoutMs: 300,
    });
    const { url } = await server.listen({ port: 0, host: '127.0.0.1', checkRedis: false });
    try {
      const res = await within(
        fetch(`${url}/webhooks/calendar`, {
          method: 'POST',
          headers: { 'x-test-token': 't', 'x-test-message': '3' },
        }),
        5_000,
        'the answer',
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { redis: string }).redis).toMatch(
        /Redis did not answer the readiness write within 300 ms/,
      );
      // Still up for what needs no Redis.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    } finally {
      await within(server.close(), 5_000, 'closing the server');
      await within(queues.close(), 5_000, 'closing the queues');
      down.disconnect();
    }
  });
});

describe('shutdown', () => {
  it('on SIGTERM stops taking connections, finishes the request in flight, then cleans up', async () => {
    const gated = gatedReceiver();
    const r = await startReceiver({ slow: gated.receiver });
    const emitter = new EventEmitter();
    let cleanedUp = false;
    const done = closeOnSignals({
      close: () => r.server.close(),
      cleanup: async () => {
        cleanedUp = true;
      },
      logger: r.logger,
      emitter,
    });
    const inFlight = fetch(`${r.url}/webhooks/slow`, { method: 'POST', body: '{}' });
    await within(gated.entered, 5_000, 'the request reaching the receiver');
    emitter.emit('SIGTERM', 'SIGTERM');
    await expect(fetch(`${r.url}/healthz`)).rejects.toThrow();
    expect(cleanedUp).toBe(false);
    gated.open();
    expect((await within(inFlight, 5_000, 'the request in flight')).status).toBe(204);
    expect(await within(done, 5_000, 'the shutdown')).toBe('SIGTERM');
    expect(cleanedUp).toBe(true);
    await r.stop();
  });
});
