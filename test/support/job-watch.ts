// Every job of the service's queues that a worker takes or finishes, as BullMQ's QueueEvents report
// them, in the order this process saw them: what the service tests wait on instead of sleeping.
import { EventEmitter } from 'node:events';
import { firstMatch } from '@vahub/testkit';
import { QueueEvents } from 'bullmq';
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
export interface Finished {
  seq: number;
  queue: string;
  jobId: string;
  outcome: 'completed' | 'failed';
  value: Record<string, unknown> | null;
  reason: string | null;
}

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
 * Watch `WATCHED` under `prefix`, each queue on its own duplicate of `redis` (closed by `close`: BullMQ
 * leaves connections it was handed open, and they would retry after Redis is gone). Connection errors
 * are expected while a test stops or restarts Redis, and ignored.
 */
export async function watchJobs(redis: Redis, prefix: string, logs: readonly string[]): Promise<JobWatch> {
  const quiet = () => undefined;
  const finished: Finished[] = [];
  const active: { queue: string; jobId: string }[] = [];
  const emitter = new EventEmitter();
  const connections: Redis[] = [];
  const push = (f: Omit<Finished, 'seq'>) => {
    const entry = { seq: finished.length + 1, ...f };
    finished.push(entry);
    emitter.emit('finished', entry);
  };
  const events = WATCHED.map((queue) => {
    const connection = redis.duplicate();
    connection.on('error', quiet);
    connections.push(connection);
    const qe = new QueueEvents(queue, { connection, prefix });
    qe.on('error', quiet);
    qe.on('completed', ({ jobId, returnvalue }) => {
      const value = (
        typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue
      ) as Finished['value'];
      push({ queue, jobId, outcome: 'completed', value, reason: null });
    });
    qe.on('active', ({ jobId }) => {
      active.push({ queue, jobId });
      emitter.emit('active', { queue, jobId });
    });
    qe.on('failed', ({ jobId, failedReason }) => {
      push({ queue, jobId, outcome: 'failed', value: null, reason: failedReason });
    });
    return qe;
  });
  await Promise.all(events.map((e) => e.waitUntilReady()));
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
    async close() {
      await Promise.all(events.map((e) => e.close()));
      for (const c of connections) c.disconnect();
    },
  };
}
