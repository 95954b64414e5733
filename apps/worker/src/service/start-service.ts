import { type Logger, VahubError, type WebhookReceiver } from '@vahub/core';
import { createServiceLogger } from '@vahub/jobs';
import type { Config } from '@vahub/registry';
import { createServer } from '@vahub/webhooks';
import type { Redis } from 'ioredis';
import { buildRuntime, type RuntimeOptions } from './runtime.js';
import { type RunningWorker, type StartWorkerOptions, startWorker, workerQueues } from './start-worker.js';
import { ALL_PROVIDERS } from './subscriptions.js';

export interface StartServiceOptions {
  config: Config;
  /**
   * Run only the receiver, only the worker (every job), or only the planner (the replans: a worker
   * taking `schedule.replan` alone). @defaultValue the receiver and the worker
   */
  only?: 'webhooks' | 'worker' | 'planner';
  /**
   * Where the replans run. `'elsewhere'`: this process's worker takes every job but the replans,
   * which a process started with `only: 'planner'` takes (so a replan never holds this event loop
   * while webhook events wait). Replans wait in Redis until a planner runs. @defaultValue 'here'
   */
  planner?: 'here' | 'elsewhere';
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

/** The parts a process runs, from `--only` and `--planner` as typed; a clear error for anything else. */
export function serviceParts(flags: {
  only?: string | undefined;
  planner?: string | undefined;
}): Pick<StartServiceOptions, 'only' | 'planner'> {
  const { only, planner } = flags;
  if (only !== undefined && only !== 'webhooks' && only !== 'worker' && only !== 'planner')
    throw new VahubError(`--only takes "webhooks", "worker" or "planner", got "${only}"`);
  if (planner !== undefined && planner !== 'here' && planner !== 'elsewhere')
    throw new VahubError(`--planner takes "here" or "elsewhere", got "${planner}"`);
  if (planner === 'elsewhere' && (only === 'planner' || only === 'webhooks'))
    throw new VahubError(`--planner elsewhere is for a process with a worker, not for --only ${only}`);
  return { ...(only ? { only } : {}), ...(planner ? { planner } : {}) };
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
  let server: ReturnType<typeof createServer> | null = null;
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
    } else if (options.only !== 'webhooks') {
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
    if (options.only === undefined || options.only === 'webhooks') {
      const receivers: Record<string, WebhookReceiver> = {};
      for (const [id, instance] of runtime.built.instances)
        if (instance.webhooks) receivers[id] = instance.webhooks;
      server = createServer({
        receivers,
        queues: runtime.queues,
        dedupe: runtime.dedupe,
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
