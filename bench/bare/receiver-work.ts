// biome-ignore-all lint/suspicious/noUndeclaredEnvVars: a bench process's knobs, not build inputs
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * What both bare receivers of the receiver bench do per request, so that they differ only in how the
 * request reaches it: check one base64 HMAC of the raw body in constant time, then add one BullMQ job
 * under an id from the delivery. Environment: REDIS_URL, BARE_PREFIX, BARE_SECRET (the HMAC key).
 */
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const secret = process.env.BARE_SECRET ?? '';
const queue = new Queue('bare.event', { connection: redis, prefix: process.env.BARE_PREFIX ?? '{bare}' });
queue.on('error', (err) => console.error(JSON.stringify({ msg: 'bare queue error', error: err.message })));

/** @returns the status to answer: 401 for a wrong signature, 200 once the job is added. */
export async function checkAndAdd(body: Buffer, signature: string | string[] | undefined): Promise<number> {
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(String(signature ?? ''), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 401;
  const n = (JSON.parse(body.toString('utf8')) as { firstEventSequence: number }).firstEventSequence;
  await queue.add('bare.event', { n }, { jobId: `e${n}`, removeOnComplete: true });
  return 200;
}

/** Wait for `server` to listen, print `{"msg":"bare ready","url":…}`, and close everything on SIGTERM. */
export async function announce(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'bare ready', url: `http://127.0.0.1:${port}/hook` }));
  process.once('SIGTERM', () => {
    server.close(() => {
      void queue
        .close()
        .then(() => redis.quit())
        .then(() => process.exit(0));
    });
    server.closeIdleConnections();
  });
}
