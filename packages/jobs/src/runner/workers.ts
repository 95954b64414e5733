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
  const workers = names.map((name) => {
    const worker = new Worker(
      name,
      createProcessor(name, {
        catalog: queues.catalog,
        handlers: options.handlers,
        logger: options.logger,
        ...(options.metrics ? { metrics: options.metrics } : {}),
        ...(options.maxRateLimitWaits !== undefined ? { maxRateLimitWaits: options.maxRateLimitWaits } : {}),
      }),
      {
        connection: options.connection,
        prefix: queues.prefix,
        concurrency: options.concurrency?.[name] ?? 1,
        maxStalledCount: options.maxStalledCount ?? 5,
        metrics: { maxDataPoints: 60 * 24 },
      },
    );
    worker.on('error', (err) =>
      options.logger.warn({ queue: name, err: err.message }, 'worker connection error'),
    );
    return worker;
  });
  return {
    workers,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
