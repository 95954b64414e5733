import { randomUUID } from 'node:crypto';
import type { Logger } from '@vahub/core';
import { bounded, type VahubMetrics } from '@vahub/jobs';
import { Router } from 'express';
import type { Redis } from 'ioredis';
import { noteOf } from './request-note.js';

/** `/healthz` (the process answers), `/readyz` (Redis takes a write), `/metrics` (Prometheus text). */
export function healthRoutes(options: {
  redis: Redis;
  logger: Logger;
  metrics: VahubMetrics;
  readyTimeoutMs?: number;
  redisPrefix?: string;
}): Router {
  const router = Router();
  const probeKey = `${options.redisPrefix ?? 'vahub'}:readyz:${randomUUID()}`;
  const timeoutMs = options.readyTimeoutMs ?? 1_000;

  router.get('/healthz', (_req, res) => {
    noteOf(res).route = '/healthz';
    res.json({ ok: true });
  });

  router.get('/readyz', async (_req, res) => {
    noteOf(res).route = '/readyz';
    try {
      const token = randomUUID();
      await bounded(options.redis.set(probeKey, token, 'PX', 10_000), {
        ms: timeoutMs,
        what: 'the readiness write',
      });
      const read = await bounded(options.redis.get(probeKey), { ms: timeoutMs, what: 'the readiness read' });
      if (read !== token) throw new Error('Redis did not return what was just written to it');
      res.json({ ok: true, redis: 'writable' });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const note = noteOf(res);
      note.outcome = 'not-ready';
      note.fields = { reason };
      res.status(503).json({ ok: false, redis: reason });
    }
  });

  router.get('/metrics', async (_req, res) => {
    noteOf(res).route = '/metrics';
    try {
      const text = await options.metrics.text();
      res.type(options.metrics.contentType).send(text);
    } catch (err) {
      options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics unavailable');
      noteOf(res).outcome = 'unavailable';
      res.status(503).type('text/plain').send('metrics unavailable\n');
    }
  });
  return router;
}
