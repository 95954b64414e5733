// Finish the jobs waiting in one queue as a worker of the service would, with a processor that does
// nothing: for tests of what happens after a job is done (its record kept or removed by the queue's
// `keepCompleted`), without the service's own processors.
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Run a worker on `queue` under `prefix` until `count` jobs have completed, then close it. Rejects
 * after `ms` naming how many did; the worker's connection is a duplicate of `redis`, closed here.
 */
export async function finishJobs(
  redis: Redis,
  prefix: string,
  queue: string,
  options: { count: number; ms?: number },
): Promise<string[]> {
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const done: string[] = [];
  const worker = new Worker(queue, async () => 'done', { connection, prefix });
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${done.length} of ${options.count} ${queue} jobs finished in time`)),
        options.ms ?? 10_000,
      );
      worker.on('completed', (job) => {
        done.push(String(job.id));
        if (done.length >= options.count) resolve();
      });
      worker.on('failed', (job, err) => reject(new Error(`${queue} job ${job?.id} failed: ${err.message}`)));
    });
    return done;
  } finally {
    clearTimeout(timer);
    await worker.close();
    await connection.quit();
  }
}
