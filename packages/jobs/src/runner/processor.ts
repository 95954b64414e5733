import type { Logger } from '@vahub/core';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Catalog, JobContext, JobHandlers, JobName } from '../catalog/catalog.js';
import type { VahubMetrics } from '../metrics/metrics.js';
import { classifyJobError } from './classify.js';

export interface ProcessorOptions<C extends Catalog> {
  catalog: C;
  handlers: JobHandlers<C>;
  logger: Logger;
  metrics?: VahubMetrics;
  /**
   * Rate-limit waits a job may sit out before a further one counts as a try: a vendor that answers
   * 429 for hours must not keep a job alive forever. @defaultValue 20
   */
  maxRateLimitWaits?: number;
  now?: () => number;
  /**
   * For a `oneAtATime` job: put the queue's limit of one in place again (a flushed or restarted
   * Redis without persistence lost it, and the next process start is too late). Cheap and rare.
   */
  limitOne?: () => Promise<void>;
}

/** A BullMQ processor function: `(job, token, signal)`. */
export type Processor = (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;

/**
 * The processor of one job of the catalog: checks the payload, runs the job's one handler, and
 * turns a failure into what BullMQ should do (see `classifyJobError`): a retry with backoff, a
 * delay that spends no try (`moveToDelayed` + `DelayedError`), or an `UnrecoverableError` that
 * parks the job as failed with a reason a person can act on.
 */
export function createProcessor<C extends Catalog>(
  name: JobName<C>,
  options: ProcessorOptions<C>,
): Processor {
  const definition = options.catalog[name];
  const handler = options.handlers[name] as unknown as (p: unknown, c: JobContext) => Promise<unknown>;
  if (!definition || typeof handler !== 'function') throw new Error(`no job ${name} in the catalog`);
  const now = options.now ?? Date.now;
  const maxWaits = options.maxRateLimitWaits ?? 20;
  const metrics = options.metrics;

  return async (job, token, signal) => {
    const jobId = String(job.id);
    const logger = options.logger.child({ job: name, jobId });
    const started = now();
    const finish = (outcome: string) => metrics?.recordJob({ queue: name, outcome, ms: now() - started });

    const parsed = definition.schema.safeParse(job.data);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || '(payload)';
      const reason = `the ${name} job's payload does not match the catalog (${where}: ${parsed.error.issues[0]?.message}): it was added by another version of vahub or by hand; add it again`;
      logger.error({ outcome: 'parked', reason }, 'job parked');
      finish('parked');
      throw new UnrecoverableError(reason);
    }

    const context: JobContext = {
      jobId,
      name,
      attempt: job.attemptsMade + 1,
      scheduledFor: job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0),
      signal: signal ?? new AbortController().signal,
      logger,
    };
    try {
      // Freed before the handler reads anything: an ask from now on makes the next job, due a window
      // after it, which the queue's global concurrency holds until this run ends. An ask that came
      // between this job's start and here is kept by BullMQ for a follow-up (`keepLastIfActive`).
      // Each run also puts the limit back, should Redis have lost it since the workers started.
      if (definition.oneAtATime) await Promise.all([job.removeDeduplicationKey(), options.limitOne?.()]);
      const result = await handler(parsed.data, context);
      finish('completed');
      // A success is counted by the metrics and told by the handler's own line when it has one:
      // this line is for tracing a job (LOG_LEVEL=debug), not for every job of a busy day.
      logger.debug(
        { outcome: 'completed', attempt: context.attempt, durationMs: now() - started },
        'job done',
      );
      return result;
    } catch (err) {
      const failure = classifyJobError(err);
      // Every start that ended neither in success nor in a spent try was a wait (or a stall).
      const waitsSoFar = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
      if (failure.kind === 'wait' && token && waitsSoFar < maxWaits) {
        await job.moveToDelayed(now() + failure.delayMs, token);
        logger.info({ outcome: 'waiting', waitMs: failure.delayMs, reason: failure.reason }, 'job waits');
        finish('rate-limited');
        throw new DelayedError();
      }
      if (failure.kind === 'park') {
        logger.warn({ outcome: 'parked', reason: failure.reason }, 'job parked');
        finish('parked');
        throw new UnrecoverableError(failure.reason);
      }
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.warn(
        { outcome: last ? 'failed' : 'retried', attempt: context.attempt, reason: failure.reason },
        last ? 'job failed: out of tries' : 'job will be retried',
      );
      finish(last ? 'failed' : 'retried');
      throw err instanceof Error ? err : new Error(failure.reason);
    }
  };
}
