// biome-ignore-all lint/suspicious/noUndeclaredEnvVars: a bench process's knobs, not build inputs
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';

/**
 * The receiver bench's bare baseline, as its own process (run with the same loader as vahub's
 * receiver): an Express route that reads the raw body, checks one base64 HMAC of it in constant
 * time, and adds one BullMQ job under an id from the delivery. Prints `{"msg":"bare ready","url":…}`
 * when up; SIGTERM closes it. Environment: REDIS_URL, BARE_PREFIX, BARE_SECRET (the HMAC key).
 */
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const secret = process.env.BARE_SECRET ?? '';
const queue = new Queue('bare.event', { connection: redis, prefix: process.env.BARE_PREFIX ?? '{bare}' });
queue.on('error', (err) => console.error(JSON.stringify({ msg: 'bare queue error', error: err.message })));

const app = express();
app.post('/hook', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
  const body = req.body as Buffer;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(String(req.headers['x-xero-signature'] ?? ''), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    res.status(401).end();
    return;
  }
  const n = (JSON.parse(body.toString('utf8')) as { firstEventSequence: number }).firstEventSequence;
  await queue.add('bare.event', { n }, { jobId: `e${n}`, removeOnComplete: true });
  res.status(200).end();
});
const server = app.listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
console.log(
  JSON.stringify({
    msg: 'bare ready',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
  }),
);
process.once('SIGTERM', () => {
  server.close(() => {
    void queue
      .close()
      .then(() => redis.quit())
      .then(() => process.exit(0));
  });
  server.closeIdleConnections();
});
