import type { Logger } from '@vahub/core';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Catalog, JobCatalog, JobHandlers, JobName } from '../catalog/catalog.js';
import { assertHandlers } from '../catalog/handlers.js';
import type { VahubMetrics } from '../metrics/metrics.js';
import type { JobQueues } from '../queues/queues.js';
import { createProcessor } from './processor.js';

export interface StartWorkersOptions<C extends Catalog> {
  /** A connection made with `maxRetriesPerRequest: null`; each worker duplicates it for its blocking reads. */
  connection: Redis;
  /** Whose catalog and prefix the workers serve. */
  queues: JobQueues<C>;
  handlers: JobHandlers<C>;
  logger: Logger;
  metrics?: VahubMetrics;
  /** Jobs run at once per queue, per process. @defaultValue 1 for every queue */
  concurrency?: Partial<Record<JobName<C>, number>>;
  /** Serve only these queues. @defaultValue every queue of the catalog */
  only?: readonly JobName<C>[];
  /** See `ProcessorOptions.maxRateLimitWaits`. */
  maxRateLimitWaits?: number;
  /**
   * How often a job may be found stalled (its worker died or froze holding it) and run again before
   * it is failed. Every handler is idempotent, so running one again is safe; BullMQ's default of 1
   * failed jobs whose worker was killed twice while they ran (seen in the chaos run).
   * @defaultValue 5
   */
  maxStalledCount?: number;
}

export interface RunningWorkers {
  workers: readonly Worker[];
  /**
   * Resolves once every worker runs: a worker of a `oneAtATime` queue starts taking jobs only after
   * the queue's global concurrency is set; rejects if it could not be set (that worker never runs).
   */
  running: Promise<void>;
  /** Stop taking jobs and wait for the ones in flight to finish (what SIGTERM should do). */
  close(): Promise<void>;
}

/**
 * One BullMQ worker per queue, each running the job's one handler. Refuses to start when the
 * handlers do not match the catalog. Keeps BullMQ's per-minute completed/failed counts in Redis,
 * so any process can report job outcomes across all workers (`/metrics`).
 */
export function startWorkers<C extends Catalog = JobCatalog>(
  options: StartWorkersOptions<C>,
): RunningWorkers {
  const { queues } = options;
  assertHandlers(queues.catalog, options.handlers);
  const names = options.only ?? queues.names;
  const started: Promise<void>[] = [];
  const workers = names.map((name) => {
    const oneAtATime = queues.catalog[name]?.oneAtATime === true;
    const limitOne = () =>
      queues
        .queue(name)
        .setGlobalConcurrency(1)
        .then(() => undefined);
    const worker = new Worker(
      name,
      createProcessor(name, {
        catalog: queues.catalog,
        handlers: options.handlers,
        logger: options.logger,
        ...(options.metrics ? { metrics: options.metrics } : {}),
        ...(options.maxRateLimitWaits !== undefined ? { maxRateLimitWaits: options.maxRateLimitWaits } : {}),
        ...(oneAtATime ? { limitOne } : {}),
      }),
      {
        connection: options.connection,
        prefix: queues.prefix,
        concurrency: options.concurrency?.[name] ?? 1,
        maxStalledCount: options.maxStalledCount ?? 5,
        metrics: { maxDataPoints: 60 * 24 },
        autorun: !oneAtATime,
      },
    );
    worker.on('error', (err) =>
      options.logger.warn({ queue: name, err: err.message }, 'worker connection error'),
    );
    // The limit lives in the queue's meta in Redis, set before the first job is taken: one job at
    // a time however many processes serve the queue (a Redis that lost it gets it back at the next run).
    if (oneAtATime)
      started.push(
        limitOne().then(() => {
          worker.run().catch((err) => worker.emit('error', err));
        }),
      );
    return worker;
  });
  const running = Promise.all(started).then(() => undefined);
  // Observed here too: a caller that never awaits it must not crash the process on a rejection.
  running.catch((err: Error) =>
    options.logger.error(
      { err: err.message },
      'a one-at-a-time queue could not be limited: its worker does not run',
    ),
  );
  return {
    workers,
    running,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
