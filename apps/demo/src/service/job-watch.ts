// What the service's workers finished, as BullMQ's queue events report it, so the demo waits on the
// job that an event caused rather than on a clock.
import { EventEmitter } from 'node:events';
import { firstMatch } from '@vahub/testkit';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

export interface FinishedJob {
  seq: number;
  queue: string;
  jobId: string;
  outcome: 'completed' | 'failed';
  value: Record<string, unknown> | null;
  reason: string | null;
}

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

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as FinishedJob['value'];

export async function watchJobs(redis: Redis, prefix: string, queues: readonly string[]): Promise<JobWatch> {
  const finished: FinishedJob[] = [];
  const emitter = new EventEmitter();
  const record = (f: Omit<FinishedJob, 'seq'>) => {
    const item = { ...f, seq: finished.length + 1 };
    finished.push(item);
    emitter.emit('finished', item);
  };
  const connections: Redis[] = [];
  const events = queues.map((queue) => {
    const connection = redis.duplicate();
    connections.push(connection);
    const qe = new QueueEvents(queue, { connection, prefix });
    qe.on('completed', ({ jobId, returnvalue }) =>
      record({ queue, jobId, outcome: 'completed', value: parse(returnvalue), reason: null }),
    );
    qe.on('failed', ({ jobId, failedReason }) =>
      record({ queue, jobId, outcome: 'failed', value: null, reason: failedReason }),
    );
    return qe;
  });
  await Promise.all(events.map((e) => e.waitUntilReady()));
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
    async close() {
      await Promise.all(events.map((e) => e.close()));
      for (const c of connections) c.disconnect();
    },
  };
}
