import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, WebhookReceiver } from '@vahub/core';
import { assertRedisReady, type JobQueues, VahubMetrics } from '@vahub/jobs';
import express, { type ErrorRequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { healthRoutes } from './health.js';
import { refuseFailure } from './reply.js';
import { noteOf, RequestNote } from './request-note.js';
import { webhookRoutes } from './webhook-routes.js';

export interface WebhookServerOptions {
  /** The receivers by connector id: the `:provider` of `/webhooks/:provider/:hook?`. */
  receivers: Readonly<Record<string, WebhookReceiver>>;
  /** Where accepted events go (`event.<subject>` jobs). */
  queues: JobQueues;
  /** The Redis `/readyz` checks: reachable and writable. */
  redis: Redis;
  /** pino, through core's port: one JSON line per request. */
  logger: Logger;
  /** Shared with whatever else runs in the process; its queue gauges are pointed at `queues`. @defaultValue a new one */
  metrics?: VahubMetrics;
  /** Larger bodies get 413 unread. @defaultValue 1 MiB */
  maxBodyBytes?: number;
  /** Verifying and enqueueing a delivery must fit in this, or it is answered 503 (Xero waits 5 s, Asana 10 s). @defaultValue 4_000 */
  answerWithinMs?: number;
  /** `/readyz` gives up on Redis after this. @defaultValue 1_000 */
  readyTimeoutMs?: number;
  /** Key prefix of the `/readyz` probe. @defaultValue "vahub" */
  redisPrefix?: string;
}

export interface WebhookServer {
  metrics: VahubMetrics;
  /**
   * Check Redis (it must not evict keys), then listen. @returns the base URL, e.g.
   * `http://127.0.0.1:8080`.
   */
  listen(options: { port: number; host?: string; checkRedis?: boolean }): Promise<{ url: string }>;
  /**
   * Stop taking connections and wait for the requests in flight; after `graceMs` (default 10 s),
   * cut the ones still open.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * The webhook receiver: thin by design. Raw bytes in, the connector's receiver decides, accepted
 * events are enqueued once each, and the vendor gets its answer within seconds. Holds no state but
 * Redis, so any number of them can run behind a load balancer.
 */
export function createServer(options: WebhookServerOptions): WebhookServer {
  const metrics = options.metrics ?? new VahubMetrics();
  metrics.watchQueues(options.queues);
  // The webhooks are nearly all the traffic: they are served on Node's HTTP directly, and Express
  // serves the rest (health, metrics, the 404s), each request with its note, log line and metric.
  // Express's dispatch (a prototype swap of request and response, the router's layers) cost a
  // webhook more CPU than verifying and enqueueing it (docs/PERFORMANCE.md, "Receiver, stop 25").
  const webhooks = webhookRoutes({
    receivers: options.receivers,
    deps: {
      queues: options.queues,
      logger: options.logger,
      answerWithinMs: options.answerWithinMs ?? 4_000,
    },
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(healthRoutes({ ...options, metrics }));
  app.use((_req, res) => {
    noteOf(res).outcome = 'not-found';
    res.status(404).json({ error: 'not found' });
  });
  app.use(lastResort(options.logger));
  const record = observe(options.logger, metrics);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const note = new RequestNote();
    record(req, res, note);
    if (webhooks(req, res, note)) return;
    // Express keeps a response's locals: the note goes where `noteOf` finds it.
    (res as ServerResponse & { locals: object }).locals = { note };
    app(req, res);
  };

  let server: Server | null = null;
  return {
    metrics,
    async listen({ port, host = '0.0.0.0', checkRedis = true }) {
      if (checkRedis) await assertRedisReady(options.redis);
      const listening = createHttpServer(handle).listen(port, host);
      await new Promise<void>((resolve, reject) => {
        listening.once('listening', resolve);
        listening.once('error', reject);
      });
      // A client that trickles a body must not hold a connection for the default five minutes.
      listening.requestTimeout = 30_000;
      listening.headersTimeout = 10_000;
      server = listening;
      const address = listening.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `http://${shown}:${address.port}` };
    },
    async close({ graceMs = 10_000 } = {}) {
      const open = server;
      if (!open) return;
      server = null;
      const closed = new Promise<void>((resolve) => open.close(() => resolve()));
      open.closeIdleConnections();
      const cut = setTimeout(() => open.closeAllConnections(), graceMs);
      cut.unref();
      await closed;
      clearTimeout(cut);
    },
  };
}

/** One log line and one metric per request: route, provider, status and outcome; never a body or a header. */
function observe(
  logger: Logger,
  metrics: VahubMetrics,
): (req: IncomingMessage, res: ServerResponse, note: RequestNote) => void {
  return (req, res, note) => {
    const started = performance.now();
    res.on('finish', () => {
      const { route, provider } = note;
      const outcome = note.outcome ?? (res.statusCode < 400 ? 'ok' : 'error');
      metrics.recordRequest({ route, provider, outcome, status: res.statusCode });
      if (route === '/healthz' || route === '/metrics') return;
      // Built in place, in the log line's order (no spread copies per request).
      const fields: Record<string, unknown> = { method: req.method, route };
      if (provider) fields.provider = provider;
      fields.status = res.statusCode;
      fields.outcome = outcome;
      fields.durationMs = Math.floor(performance.now() - started);
      const more = note.fields;
      if (more !== undefined) for (const name in more) fields[name] = more[name];
      if (res.statusCode >= 500) logger.warn(fields, 'request');
      else logger.info(fields, 'request');
    });
  };
}

/** Whatever reached Express's error handler failed while the request was read: a 4xx, never a 5xx. */
function lastResort(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => refuseFailure(res, noteOf(res), err, logger);
}
