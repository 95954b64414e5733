import type { Logger } from '@vahub/core';
import {
  assertRedisReady,
  bounded,
  createServiceLogger,
  type JobName,
  jobCatalog,
  startWorkers,
} from '@vahub/jobs';
import type { Config } from '@vahub/registry';
import type { Redis } from 'ioredis';
import { createHandlers } from './handlers.js';
import { buildRuntime, type Runtime } from './runtime.js';
import { type ServiceSchedules, upsertSchedules } from './schedules.js';
import { ALL_PROVIDERS } from './subscriptions.js';

export interface StartWorkerOptions {
  config: Config;
  env?: NodeJS.ProcessEnv;
  redis?: Redis;
  /** @defaultValue pino JSON lines on stdout (`createServiceLogger({ name: 'worker' })`) */
  logger?: Logger;
  /** Jobs run at once per queue in this process. @defaultValue 1 each, 4 for event jobs */
  concurrency?: Partial<Record<JobName, number>>;
  /** @defaultValue `{vahub}` */
  prefix?: string;
  /** Upsert the job schedulers at start. @defaultValue true */
  schedule?: boolean;
  schedules?: ServiceSchedules;
  /**
   * Queue a `channels.renew` of every connector at start: the webhooks the config implies are made at
   * `webhooks.publicUrl` (retried while the receiver is not reachable yet). @defaultValue true
   */
  subscribe?: boolean;
  /** Drain and stop on SIGTERM/SIGINT (what `main.ts` wants). @defaultValue false */
  handleSignals?: boolean;
  /** A burst of task events within this is one replan. @defaultValue 5 s */
  replanWindowMs?: number;
  now?: () => number;
  /** A runtime shared with a receiver in the same process (`startService`). */
  runtime?: Runtime;
  /** The jobs this process takes (`workerQueues`). @defaultValue every job of the catalog */
  queues?: readonly JobName[];
}

export interface RunningWorker {
  runtime: Runtime;
  /** Stop taking jobs, let the ones in flight finish, close what it opened. */
  close(): Promise<void>;
}

const EVENT_CONCURRENCY = 4;

/** The job the planner part runs: the replans of the VA's calendar. */
export const PLANNER_JOBS: readonly JobName[] = ['schedule.replan'];

/**
 * Which jobs a worker process takes. `planner: 'only'` is the planner part alone (the replans);
 * `planner: 'elsewhere'` is every other job, for a process beside a planner: a replan plans every
 * open task (tens of ms of CPU on the event loop) and writes its blocks, and the webhook events
 * that arrive meanwhile would wait for the loop behind it. `'here'`: every job.
 */
export function workerQueues(planner: 'here' | 'only' | 'elsewhere'): JobName[] {
  const all = Object.keys(jobCatalog) as JobName[];
  if (planner === 'here') return all;
  if (planner === 'only') return [...PLANNER_JOBS];
  return all.filter((name) => !PLANNER_JOBS.includes(name));
}

/**
 * The worker: build the ports from the config, refuse a Redis that may evict (naming the fix), start
 * one BullMQ worker per job with the handlers, and put the job schedulers in place.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const logger = options.logger ?? createServiceLogger({ name: 'worker' });
  const runtime =
    options.runtime ??
    buildRuntime({
      config: options.config,
      env: options.env ?? process.env,
      logger,
      ...(options.redis ? { redis: options.redis } : {}),
      ...(options.prefix ? { prefix: options.prefix } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.replanWindowMs === undefined ? {} : { replanWindowMs: options.replanWindowMs }),
    });
  const ownRuntime = options.runtime === undefined;
  try {
    await assertRedisReady(runtime.redis);
    if (options.schedule ?? true) await upsertSchedules(runtime.deps, logger, options.schedules);
    if ((options.subscribe ?? true) && runtime.deps.publicUrl !== undefined) {
      await runtime.queues.add('channels.renew', { provider: ALL_PROVIDERS });
    }
  } catch (err) {
    if (ownRuntime) await runtime.close();
    throw err;
  }
  const running = startWorkers({
    connection: runtime.redis,
    queues: runtime.queues,
    handlers: createHandlers(runtime.deps),
    logger,
    metrics: runtime.metrics,
    ...(options.queues ? { only: options.queues } : {}),
    concurrency: {
      'event.task': EVENT_CONCURRENCY,
      'event.calendar': EVENT_CONCURRENCY,
      'event.time-entry': EVENT_CONCURRENCY,
      'event.invoice': EVENT_CONCURRENCY,
      'invoice.run': 2,
      ...options.concurrency,
    },
  });
  try {
    // Ready means taking jobs: `vahub status` and the tests see each queue's worker from here on.
    await bounded(Promise.all([running.running, ...running.workers.map((w) => w.waitUntilReady())]), {
      ms: 10_000,
      what: "the workers' connections",
      redis: runtime.redis,
    });
  } catch (err) {
    await running.close();
    if (ownRuntime) await runtime.close();
    throw err;
  }
  logger.info(
    {
      prefix: runtime.prefix,
      queues: running.workers.length,
      replans: options.queues?.some((q) => PLANNER_JOBS.includes(q)) ?? true,
    },
    'worker started',
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info({}, 'worker draining');
      await running.close();
      if (ownRuntime) await runtime.close();
      logger.info({}, 'worker stopped');
    })();
    return closing;
  };
  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        close().then(
          () => process.exit(0),
          (err) => {
            logger.error({ error: err instanceof Error ? err.message : String(err) }, 'worker stop failed');
            process.exit(1);
          },
        );
      });
    }
  }
  return { runtime, close };
}
