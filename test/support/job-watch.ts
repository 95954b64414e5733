// Every job of the service's queues that a worker takes or finishes, as BullMQ's QueueEvents report
// them, in the order this process saw them: what the service tests wait on instead of sleeping.
import { type FinishedJob, listenToJobs } from '@vahub/jobs/testing';
import { firstMatch } from '@vahub/testkit';
import type { Redis } from 'ioredis';

export const WATCHED = [
  'event.task',
  'event.time-entry',
  'event.calendar',
  'event.invoice',
  'schedule.replan',
  'sweep',
  'reconcile',
  'invoice.run',
  'channels.renew',
];

/** A job that finished, as QueueEvents reported it, in the order the test saw them. */
export type Finished = FinishedJob;

export interface JobWatch {
  finished: Finished[];
  /** The next job of `queue` to finish after `afterSeq` that matches; `logs` goes into the timeout's message. */
  waitFinished(
    queue: string,
    predicate: (f: Finished) => boolean,
    options?: { afterSeq?: number; timeoutMs?: number },
  ): Promise<Finished>;
  lastSeq(): number;
  /** Resolves once a worker has taken the job. */
  waitActive(queue: string, jobId: string): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Watch `WATCHED` under `prefix` (`listenToJobs`, each queue on its own duplicate of `redis`, closed by
 * `close`). Connection errors are expected while a test stops or restarts Redis, and ignored.
 */
export async function watchJobs(redis: Redis, prefix: string, logs: readonly string[]): Promise<JobWatch> {
  const { finished, active, emitter, close } = await listenToJobs(redis, prefix, WATCHED, {
    ignoreErrors: true,
  });
  return {
    finished,
    lastSeq: () => finished.length,
    waitActive: (queue, jobId) =>
      firstMatch({
        emitter,
        event: 'active',
        seen: active,
        predicate: (a) => a.queue === queue && a.jobId === jobId,
        timeoutMs: 20_000,
        what: `no worker took ${queue} job ${jobId}`,
      }),
    waitFinished(queue, predicate, opts = {}) {
      const after = opts.afterSeq ?? 0;
      return firstMatch({
        emitter,
        event: 'finished',
        seen: finished,
        predicate: (f) => f.queue === queue && f.seq > after && predicate(f),
        timeoutMs: opts.timeoutMs ?? 20_000,
        what: `no ${queue} job finished as expected (logs:\n${logs.slice(-30).join('\n')})`,
      });
    },
    close,
  };
}
