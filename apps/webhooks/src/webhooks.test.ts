import { request as httpRequest } from 'node:http';
import { signHmacSha256 } from '@vahub/core';
import { findEventJob } from '@vahub/jobs';
import { finishJobs, monitorRedis } from '@vahub/jobs/testing';
import { within } from '@vahub/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startReceiver } from './test-support/fixture.js';
import {
  brokenReceiver,
  pingReceiver,
  signedDelivery,
  signedReceiver,
  sloppyReceiver,
} from './test-support/receivers.js';

const SECRET = 'whsec-test-0123456789abcdef';
let r: Running;

beforeAll(async () => {
  r = await startReceiver({
    tasks: signedReceiver(new Map([['hook-1', SECRET]])),
    calendar: pingReceiver('channel-token-1'),
    broken: brokenReceiver,
    sloppy: sloppyReceiver,
    // A reply the response cannot write (a body that is not text): a bug in a receiver.
    unwritable: {
      hooked: false,
      receive: async () => ({
        kind: 'handled',
        reply: { status: 200, body: { not: 'text' } as unknown as string },
        note: 'unwritable',
      }),
    },
    echo: {
      hooked: false,
      // Answers with the headers it was handed, as JSON.
      receive: async ({ headers }) => ({
        kind: 'handled',
        reply: { status: 200, body: JSON.stringify(headers) },
        note: 'echo',
      }),
    },
  });
});
afterAll(async () => {
  await r.stop();
});

function post(path: string, init: { body?: string | Buffer; headers?: Record<string, string> } = {}) {
  return fetch(`${r.url}${path}`, { method: 'POST', body: init.body, headers: init.headers });
}

function deliver(delivery: Parameters<typeof signedDelivery>[1], headers: Record<string, string> = {}) {
  const { raw, signature } = signedDelivery(SECRET, delivery);
  return post('/webhooks/tasks/hook-1', {
    body: raw,
    headers: { 'content-type': 'application/json', 'x-test-signature': signature, ...headers },
  });
}

const delivery = (n: number) => ({
  deliveryId: `d-${n}`,
  events: [{ id: `evt-${n}`, task: `task-${n}`, action: 'changed' as const }],
});

describe('webhook deliveries', () => {
  it('enqueues a signed delivery as one job per event, under a job id from the event', async () => {
    const res = await deliver({
      deliveryId: 'd-1',
      events: [
        { id: 'evt-a', task: '1207', action: 'created' },
        { id: 'evt-b', task: '1208', action: 'deleted' },
      ],
    });
    expect(res.status).toBe(200);
    const job = await findEventJob(r.queues, 'event.task', 'tasks', 'evt-a');
    expect(job?.data).toMatchObject({
      provider: 'tasks',
      eventId: 'evt-a',
      deliveryId: 'd-1',
      action: 'created',
      resourceId: '1207',
      scope: 'hook-1',
    });
    expect(await findEventJob(r.queues, 'event.task', 'tasks', 'evt-b')).toBeTruthy();
  });

  it('makes one job of the same delivery three times, and of a fourth after the job finished and its record is gone', async () => {
    const before = await r.jobs();
    const answers = await Promise.all([deliver(delivery(2)), deliver(delivery(2)), deliver(delivery(2))]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await r.jobs()) - before).toBe(1);
    const job = await findEventJob(r.queues, 'event.task', 'tasks', 'evt-2');
    // The fixture's queues keep no finished record: done, the job is gone as BullMQ removes old ones
    // (the file's other task jobs are finished with it).
    const waiting = (await r.queues.queue('event.task').getJobCounts('wait')).wait ?? 0;
    expect(await finishJobs(r.redis, r.queues.prefix, 'event.task', { count: waiting })).toContain(job?.id);
    expect(await r.queues.queue('event.task').getJob(String(job?.id))).toBeUndefined();
    const after = await r.jobs();
    expect((await deliver(delivery(2))).status).toBe(200);
    expect(await r.jobs()).toBe(after);
    const outcomes = r.logger.lines.filter((l) => l.fields.deliveryId === 'd-2').map((l) => l.fields.outcome);
    expect(outcomes.sort()).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate']);
  });

  it("takes a delivery whatever the prefix's case, with a trailing slash or a query", async () => {
    const { raw, signature } = signedDelivery(SECRET, delivery(31));
    const headers = { 'content-type': 'application/json', 'x-test-signature': signature };
    const res = await post('/WEBHOOKS/tasks/hook-1/?source=asana', { body: raw, headers });
    expect(res.status).toBe(200);
    const job = await findEventJob(r.queues, 'event.task', 'tasks', 'evt-31');
    expect(job?.data).toMatchObject({ eventId: 'evt-31', resourceId: 'task-31', scope: 'hook-1' });
  });

  it('takes a body-less ping on a route without a hook', async () => {
    const res = await post('/webhooks/calendar', {
      headers: { 'x-test-token': 'channel-token-1', 'x-test-message': '7' },
    });
    expect(res.status).toBe(200);
    expect(await findEventJob(r.queues, 'event.calendar', 'calendar', 'ping-7')).toBeTruthy();
  });

  it('hands a receiver each header as one string by lower-cased name, repeated ones joined', async () => {
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      // Each sent twice: Set-Cookie (Node keeps it as a list) and X-Test-Token (Node joins it).
      const headers = { 'Set-Cookie': ['a=1', 'b=2'], 'X-Test-Token': ['t1', 't2'] };
      const req = httpRequest(new URL('/webhooks/echo', r.url), { method: 'POST', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(answer).toMatchObject({ status: 200 });
    const seen = JSON.parse(answer.text) as Record<string, unknown>;
    expect(seen['set-cookie']).toBe('a=1, b=2');
    expect(seen['x-test-token']).toBe('t1, t2');
    expect(Object.values(seen).every((v) => typeof v === 'string')).toBe(true);
  });

  it('answers a handshake without queueing anything', async () => {
    const before = await r.jobs();
    const res = await post('/webhooks/tasks/hook-1', { headers: { 'x-test-handshake': 'abcdef0123456789' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-hook-secret')).toBe('abcdef0123456789');
    expect(await r.jobs()).toBe(before);
  });
});

describe('what the receiver refuses, it refuses with a 4xx and queues nothing', () => {
  let before: number;
  beforeAll(async () => {
    before = await r.jobs();
  });
  afterAll(async () => {
    expect(await r.jobs()).toBe(before);
  });

  it('refuses a forged signature without a word to Redis: no dedupe read, no add', async () => {
    const { raw } = signedDelivery(SECRET, delivery(12));
    const forged = signedDelivery('not-the-secret', delivery(12)).signature;
    const monitor = await monitorRedis(r.redis);
    // MONITOR reports every command Redis runs, in order, with the address of the client that sent it.
    const ran: { args: string[]; source: string }[] = [];
    const marker = `webhooks-test-marker-${process.pid}-${Date.now()}`;
    const markerSeen = new Promise<void>((resolve) => {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        ran.push({ args: args.map(String), source });
        if (args.map(String).includes(marker)) resolve();
      });
    });
    try {
      const headers = { 'content-type': 'application/json', 'x-test-signature': forged };
      for (let i = 0; i < 3; i++)
        expect((await post('/webhooks/tasks/hook-1', { body: raw, headers })).status).toBe(401);
      // Then a command on the receiver's own connection: once Redis has run it, it ran all before it.
      await r.redis.get(marker);
      await within(markerSeen, 5_000, 'MONITOR reporting the marker');
      const at = ran.findIndex((c) => c.args.includes(marker));
      const receiver = ran[at]?.source;
      const commands = ran.slice(0, at).filter((c) => c.source === receiver);
      expect(commands.map((c) => c.args[0])).toEqual([]);
      monitor.assertNoError();
    } finally {
      monitor.disconnect();
    }
  });

  it('401 for a forged or missing signature, and for a signed body that was altered', async () => {
    const { raw } = signedDelivery(SECRET, delivery(10));
    const forged = signedDelivery('not-the-secret', delivery(10)).signature;
    const json = { 'content-type': 'application/json' };
    expect(
      (await post('/webhooks/tasks/hook-1', { body: raw, headers: { ...json, 'x-test-signature': forged } }))
        .status,
    ).toBe(401);
    expect((await post('/webhooks/tasks/hook-1', { body: raw, headers: json })).status).toBe(401);
    expect(
      (await post('/webhooks/tasks/hook-1', { body: raw, headers: { ...json, 'x-test-signature': 'zz' } }))
        .status,
    ).toBe(401);
    const { signature } = signedDelivery(SECRET, delivery(10));
    const altered = raw.replace('task-10', 'task-11');
    expect(
      (
        await post('/webhooks/tasks/hook-1', {
          body: altered,
          headers: { ...json, 'x-test-signature': signature },
        })
      ).status,
    ).toBe(401);
    expect(
      (await post('/webhooks/calendar', { headers: { 'x-test-token': 'guess', 'x-test-message': '1' } }))
        .status,
    ).toBe(401);
  });

  it('400 for malformed JSON, a wrong content type and an empty body, even when signed', async () => {
    // The vendor signs whatever bytes it sends, well-formed or not.
    const sign = (raw: string, type: string) =>
      post('/webhooks/tasks/hook-1', {
        body: raw,
        headers: { 'content-type': type, 'x-test-signature': signHmacSha256(SECRET, raw, 'hex') },
      });
    expect((await sign('{"deliveryId": "d", "events": [', 'application/json')).status).toBe(400);
    expect((await sign(JSON.stringify(delivery(11)), 'text/plain')).status).toBe(400);
    expect((await sign(JSON.stringify(delivery(11)), 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await sign('', 'application/json')).status).toBe(400);
    expect((await sign('{"deliveryId":"d","events":[{"id":""}]}', 'application/json')).status).toBe(400);
    // A replayed handshake with a body, or a malformed one, is refused too.
    expect(
      (
        await post('/webhooks/tasks/hook-1', {
          body: 'x',
          headers: { 'x-test-handshake': 'abcdef0123456789' },
        })
      ).status,
    ).toBe(400);
  });

  it('413 for a body over 1 MB, sent whole or in chunks, and 10 MB', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x61);
    expect(
      (await post('/webhooks/tasks/hook-1', { body: big, headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(413);
    expect(await chunked('/webhooks/tasks/hook-1', 10 * 1024 * 1024)).toBe(413);
    const tenMb = Buffer.alloc(10 * 1024 * 1024, 0x7b);
    expect((await post('/webhooks/calendar', { body: tenMb })).status).toBe(413);
  });

  it('404 for an unknown provider, a missing or an unexpected hook; 405 for another method', async () => {
    for (const path of [
      '/webhooks/nobody',
      '/webhooks/__proto__',
      '/webhooks/constructor/x',
      '/webhooks/tasks',
      '/webhooks/calendar/abc',
      '/webhooks/tasks/nope',
    ]) {
      expect((await post(path, { body: '{}' })).status, path).toBe(404);
    }
    expect((await fetch(`${r.url}/webhooks/tasks/hook-1`)).status).toBe(405);
    expect((await post('/webhooks/%E0%A4%A', { body: '{}' })).status).toBe(400);
  });

  it('400 when a receiver throws or accepts events no job can carry, and the process carries on', async () => {
    expect((await post('/webhooks/broken', { body: '{"a":1}' })).status).toBe(400);
    expect((await post('/webhooks/broken', { body: 'not json' })).status).toBe(400);
    expect(
      r.logger.lines.some((l) => l.level === 'error' && l.message === 'the receiver failed on a delivery'),
    ).toBe(true);
    expect((await post('/webhooks/sloppy', { body: '' })).status).toBe(400);
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
  });

  it('400 when the reply cannot be written, and the process carries on', async () => {
    expect((await post('/webhooks/unwritable', { body: '{}' })).status).toBe(400);
    expect(r.logger.lines.some((l) => l.level === 'error' && l.message === 'request failed')).toBe(true);
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
  });

  it('never answers anything from outside with a 5xx', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/webhooks/tasks/hook-1',
          '/webhooks/tasks/other',
          '/webhooks/calendar',
          '/webhooks/x',
          '/webhooks/broken',
        ),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/octet-stream',
          'multipart/form-data; boundary=x',
          '',
        ),
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.json().map((j) => new TextEncoder().encode(j)),
        ),
        fc.option(fc.stringMatching(/^[0-9a-f]{0,70}$/), { nil: undefined }),
        async (path, type, body, signature) => {
          const headers: Record<string, string> = {};
          if (type) headers['content-type'] = type;
          if (signature !== undefined) headers['x-test-signature'] = signature;
          const res = await post(path, { body: Buffer.from(body), headers });
          await res.arrayBuffer();
          statuses.add(res.status);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 80 },
    );
    expect([...statuses].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});

/** POST `size` bytes in chunks without a Content-Length, answered status (or the error). */
function chunked(path: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, r.url);
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const write = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}
