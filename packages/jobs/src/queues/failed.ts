import { VahubError } from '@vahub/core';
import type { Catalog, JobCatalog, JobName } from '../catalog/catalog.js';
import type { JobQueues } from './queues.js';

/** A job that stopped for good, and why: what `vahub status` lists. */
export interface FailedJob {
  queue: string;
  jobId: string;
  /** Parked on its first failure that can never succeed (bad config, revoked grant), or out of tries. */
  kind: 'parked' | 'out-of-tries';
  /** The message a person acts on. */
  reason: string;
  attemptsMade: number;
  attempts: number;
  /** Epoch ms. */
  failedAt: number | null;
  /** The payload, to see which client or event it was about. */
  data: unknown;
}

/** Failed jobs of every queue (or one), newest first, at most `limit` per queue. */
export async function listFailedJobs<C extends Catalog = JobCatalog>(
  queues: JobQueues<C>,
  options: { queue?: JobName<C>; limit?: number } = {},
): Promise<FailedJob[]> {
  const names = options.queue ? [options.queue] : queues.names;
  const limit = options.limit ?? 50;
  const lists = await Promise.all(
    names.map(async (name) => {
      const jobs = await queues.queue(name).getFailed(0, limit - 1);
      return jobs.map((job): FailedJob => {
        const attempts = job.opts.attempts ?? 1;
        return {
          queue: name,
          jobId: String(job.id),
          kind: job.attemptsMade < attempts ? 'parked' : 'out-of-tries',
          reason: job.failedReason ?? 'no reason recorded',
          attemptsMade: job.attemptsMade,
          attempts,
          failedAt: job.finishedOn ?? null,
          data: job.data,
        };
      });
    }),
  );
  return lists.flat().sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0));
}

/** Run a failed job again (after the person fixed what its reason said), with its tries renewed. */
export async function retryFailedJob<C extends Catalog = JobCatalog>(
  queues: JobQueues<C>,
  options: { queue: JobName<C>; jobId: string },
): Promise<void> {
  const job = await queues.queue(options.queue).getJob(options.jobId);
  if (!job)
    throw new VahubError(`no job ${options.jobId} in the ${options.queue} queue (it may have expired)`);
  if (!(await job.isFailed()))
    throw new VahubError(`job ${options.jobId} of ${options.queue} has not failed: nothing to retry`);
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
}
