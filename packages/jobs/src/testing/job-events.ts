// The jobs of some queues that workers take and finish, as BullMQ's QueueEvents report them, in the
// order this process heard them: what the service tests and the demo wait on instead of a clock.
import { EventEmitter } from 'node:events';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

/** A job that finished, as QueueEvents reported it; `seq` counts from 1 in the order heard. */
export interface FinishedJob {
  seq: number;
  queue: string;
  jobId: string;
  outcome: 'completed' | 'failed';
  value: Record<string, unknown> | null;
  reason: string | null;
}

export interface JobEvents {
  /** Every job finished so far, oldest first. */
  finished: FinishedJob[];
  /** Every job a worker has taken so far, oldest first. */
  active: { queue: string; jobId: string }[];
  /** Emits `finished` with a `FinishedJob` and `active` with `{ queue, jobId }` as each is heard. */
  emitter: EventEmitter;
  /** Closes the QueueEvents and the connections they were given. */
  close(): Promise<void>;
}

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as FinishedJob['value'];

/**
 * Listen to `queues` under `prefix`, each on its own duplicate of `redis` (closed by `close`: BullMQ
 * leaves connections it was handed open, and they would retry after Redis is gone). Resolves once
 * every QueueEvents is ready. `ignoreErrors`: connection errors are expected (a test that stops or
 * restarts Redis) and are dropped; otherwise nothing listens to them.
 */
export async function listenToJobs(
  redis: Redis,
  prefix: string,
  queues: readonly string[],
  options: { ignoreErrors?: boolean } = {},
): Promise<JobEvents> {
  const ignore = () => undefined;
  const finished: FinishedJob[] = [];
  const active: JobEvents['active'] = [];
  const emitter = new EventEmitter();
  // A test may wait on many jobs at once (each wait removes its listener when it ends): no cap.
  emitter.setMaxListeners(0);
  const connections: Redis[] = [];
  const record = (f: Omit<FinishedJob, 'seq'>) => {
    const item = { seq: finished.length + 1, ...f };
    finished.push(item);
    emitter.emit('finished', item);
  };
  const events = queues.map((queue) => {
    const connection = redis.duplicate();
    if (options.ignoreErrors) connection.on('error', ignore);
    connections.push(connection);
    const qe = new QueueEvents(queue, { connection, prefix });
    if (options.ignoreErrors) qe.on('error', ignore);
    qe.on('completed', ({ jobId, returnvalue }) =>
      record({ queue, jobId, outcome: 'completed', value: parse(returnvalue), reason: null }),
    );
    qe.on('active', ({ jobId }) => {
      active.push({ queue, jobId });
      emitter.emit('active', { queue, jobId });
    });
    qe.on('failed', ({ jobId, failedReason }) =>
      record({ queue, jobId, outcome: 'failed', value: null, reason: failedReason }),
    );
    return qe;
  });
  await Promise.all(events.map((e) => e.waitUntilReady()));
  return {
    finished,
    active,
    emitter,
    async close() {
      await Promise.all(events.map((e) => e.close()));
      for (const c of connections) c.disconnect();
    },
  };
}
