import type { Logger, WebhookReceiver } from '@vahub/core';
import { createServiceLogger } from '@vahub/jobs';
import type { Config } from '@vahub/registry';
import type { WebhookServer } from '@vahub/webhooks';
import type { Redis } from 'ioredis';
import { buildRuntime, type RuntimeOptions } from './runtime.js';
import { type ServiceParts, serviceParts } from './service-parts.js';
import { type RunningWorker, type StartWorkerOptions, startWorker, workerQueues } from './start-worker.js';
import { ALL_PROVIDERS } from './subscriptions.js';

export { serviceParts };

export interface StartServiceOptions {
  config: Config;
  /**
   * Run only the receiver, only the worker (every job), or only the planner (the replans: a worker
   * taking `schedule.replan` alone). @defaultValue the receiver and the worker
   */
  only?: ServiceParts['only'];
  /**
   * Where the replans run. `'elsewhere'`: this process's worker takes every job but the replans,
   * which a process started with `only: 'planner'` takes (so a replan never holds this event loop
   * while webhook events wait). Replans wait in Redis until a planner runs. @defaultValue 'here'
   */
  planner?: ServiceParts['planner'];
  /** The receiver's port. @defaultValue `webhooks.port` of the config (8787) */
  port?: number;
  /** @defaultValue "0.0.0.0" */
  host?: string;
  env?: NodeJS.ProcessEnv;
  redis?: Redis;
  logger?: Logger;
  prefix?: string;
  /** The vendors' rate limits (the demo relaxes them for its local fakes). @defaultValue the vendors' documented ones */
  limitPolicies?: RuntimeOptions['limitPolicies'];
  worker?: Pick<
    StartWorkerOptions,
    'concurrency' | 'schedule' | 'schedules' | 'subscribe' | 'replanWindowMs' | 'now'
  >;
}

export interface RunningService {
  /** The receiver's base URL, when it runs. */
  url: string | null;
  worker: RunningWorker | null;
  /** Stop the receiver (requests in flight finish), drain the worker, close Redis. */
  close(): Promise<void>;
}

/**
 * `vahub start`: the webhook receiver and/or the worker in this process, on one Redis connection,
 * the same stores and connectors.
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  serviceParts(options);
  // Express and the receiving halves load only in a process that receives.
  if (options.only === 'webhooks') {
    const { startReceiver } = await import('./start-receiver.js');
    const receiver = await startReceiver(options);
    return { url: receiver.url, worker: null, close: receiver.close };
  }
  const logger = options.logger ?? createServiceLogger({ name: options.only ?? 'vahub' });
  const runtime = buildRuntime({
    config: options.config,
    env: options.env ?? process.env,
    logger,
    ...(options.redis ? { redis: options.redis } : {}),
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.limitPolicies ? { limitPolicies: options.limitPolicies } : {}),
    ...(options.worker?.now ? { now: options.worker.now } : {}),
    ...(options.worker?.replanWindowMs === undefined
      ? {}
      : { replanWindowMs: options.worker.replanWindowMs }),
  });
  let worker: RunningWorker | null = null;
  let server: WebhookServer | null = null;
  let url: string | null = null;
  try {
    if (options.only === 'planner') {
      // The schedules and subscriptions are the other worker's (it queues no replan at start).
      worker = await startWorker({
        ...options.worker,
        config: options.config,
        logger,
        runtime,
        queues: workerQueues('only'),
        schedule: false,
        subscribe: false,
      });
    } else {
      // With the receiver in this process, the webhooks are registered once it listens (below).
      const subscribeNow = options.only === 'worker' ? options.worker?.subscribe : false;
      worker = await startWorker({
        ...options.worker,
        config: options.config,
        logger,
        runtime,
        queues: workerQueues(options.planner ?? 'here'),
        ...(subscribeNow === undefined ? {} : { subscribe: subscribeNow }),
      });
    }
    if (options.only === undefined) {
      const { createServer } = await import('@vahub/webhooks');
      const receivers: Record<string, WebhookReceiver> = {};
      for (const [id, instance] of runtime.built.instances)
        if (instance.webhooks) receivers[id] = instance.webhooks;
      server = createServer({
        receivers,
        queues: runtime.queues,
        redis: runtime.redis,
        logger,
        metrics: runtime.metrics,
        redisPrefix: runtime.prefix,
      });
      ({ url } = await server.listen({
        port: options.port ?? options.config.webhooks.port,
        ...(options.host ? { host: options.host } : {}),
      }));
      logger.info({ url }, 'webhook receiver listening');
      if (worker && (options.worker?.subscribe ?? true) && runtime.deps.publicUrl !== undefined) {
        await runtime.queues.add('channels.renew', { provider: ALL_PROVIDERS });
      }
    }
  } catch (err) {
    await server?.close({ graceMs: 1_000 }).catch(() => undefined);
    await worker?.close().catch(() => undefined);
    await runtime.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    worker,
    close() {
      closing ??= (async () => {
        await server?.close();
        await worker?.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}
