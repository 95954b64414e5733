// What the service's workers finished, as BullMQ's queue events report it, so the demo waits on the
// job that an event caused rather than on a clock.
import { type FinishedJob, listenToJobs } from '@vahub/jobs/testing';
import { firstMatch } from '@vahub/testkit';
import type { Redis } from 'ioredis';

export interface JobWatch {
  lastSeq(): number;
  /** The next job of `queue` after `afterSeq` that matches; a failed one is an error with its reason. */
  next(
    queue: string,
    predicate: (f: FinishedJob) => boolean,
    afterSeq: number,
    timeoutMs?: number,
  ): Promise<FinishedJob>;
  close(): Promise<void>;
}

export async function watchJobs(redis: Redis, prefix: string, queues: readonly string[]): Promise<JobWatch> {
  const { finished, emitter, close } = await listenToJobs(redis, prefix, queues);
  return {
    lastSeq: () => finished.length,
    async next(queue, predicate, afterSeq, timeoutMs = 20_000) {
      const found = await firstMatch({
        emitter,
        event: 'finished',
        seen: finished,
        predicate: (f) => f.queue === queue && f.seq > afterSeq && (f.outcome === 'failed' || predicate(f)),
        timeoutMs,
        what: `the service finished no ${queue} job in ${timeoutMs / 1000} s`,
      });
      if (found.outcome === 'failed') throw new Error(`the ${queue} job failed: ${found.reason}`);
      return found;
    },
    close,
  };
}
