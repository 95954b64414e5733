// biome-ignore-all lint/suspicious/noUndeclaredEnvVars: a bench process's knobs, not build inputs
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';

/**
 * The bare pipeline the service is measured against, as its own process (run with the same loader
 * as the service: `node --import tsx`): `receiver` is an Express route that reads the raw body,
 * checks one HMAC and adds one BullMQ job per event; `worker` is a BullMQ worker that makes one
 * HTTP call per job (GET the task at the task app). Prints `{"msg":"bare ready","url":…}` when up.
 * Environment: REDIS_URL, BARE_PREFIX, BARE_SECRET (hex HMAC key), BARE_TARGET (task app base URL),
 * BARE_TOKEN (its bearer token); BARE_HTTP=node makes the worker's GET on Node's HTTP client, as vahub's
 * calls go since stop 25, instead of `fetch` (the baseline's since the bench began).
 */
const mode = process.argv[2] ?? 'both';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const prefix = process.env.BARE_PREFIX ?? '{bare}';
const secret = process.env.BARE_SECRET ?? '';
const target = process.env.BARE_TARGET ?? '';
const token = process.env.BARE_TOKEN ?? '';

let url: string | null = null;
const closers: (() => Promise<unknown>)[] = [];
if (mode === 'receiver' || mode === 'both') {
  const queue = new Queue('bare.event', { connection: redis, prefix });
  queue.on('error', (err) => console.error(JSON.stringify({ msg: 'bare queue error', error: err.message })));
  const app = express();
  app.post('/hook', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const body = req.body as Buffer;
    const expected = createHmac('sha256', secret).update(body).digest();
    const given = Buffer.from(String(req.headers['x-hook-signature'] ?? ''), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).end();
      return;
    }
    const { events } = JSON.parse(body.toString('utf8')) as { events: { resource: { gid: string } }[] };
    for (const e of events)
      await queue.add('bare.event', { gid: e.resource.gid }, { removeOnComplete: true });
    res.status(200).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  closers.push(
    () => new Promise((resolve) => server.close(resolve)),
    () => queue.close(),
  );
}
/** One GET on Node's HTTP client over a kept-alive connection, its body read whole. */
const agent = new Agent({ keepAlive: true });
const getOnNode = (url: string, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    request(url, { headers, agent }, (res) => {
      res.on('error', reject);
      res.on('end', () => resolve(res.statusCode ?? 0)).resume();
    })
      .on('error', reject)
      .end();
  });
const onNode = process.env.BARE_HTTP === 'node';
if (mode === 'worker' || mode === 'both') {
  const worker = new Worker(
    'bare.event',
    async (job) => {
      const url = `${target}/tasks/${job.data.gid}`;
      const headers = { authorization: `Bearer ${token}` };
      if (onNode) return { status: await getOnNode(url, headers) };
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      return { status: res.status };
    },
    { connection: redis, prefix, concurrency: 4 },
  );
  // As the service does: a BullMQ error (a lock lost under load) is logged, not an unhandled 'error' event that ends the process.
  worker.on('error', (err) =>
    console.error(JSON.stringify({ msg: 'bare worker error', error: err.message })),
  );
  await worker.waitUntilReady();
  closers.push(() => worker.close());
}
console.log(JSON.stringify({ msg: 'bare ready', url }));
const stop = async () => {
  for (const close of closers) await close();
  redis.disconnect();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
