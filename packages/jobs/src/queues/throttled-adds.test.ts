import { silentLogger } from '@vahub/core';
import { deferred, within } from '@vahub/testkit';
import { QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog, type JobHandlers } from '../catalog/catalog.js';
import { startWorkers } from '../runner/workers.js';
import { queueTests } from '../test-support/queues.js';
import { deleteKeys, uniqueQueuePrefix } from '../test-support/redis.js';
import { JobQueues } from './queues.js';

const { redis, cleanups, queuesFor } = queueTests();

const testReplan = {
  schema: z.object({ reason: z.string() }),
  attempts: 1,
  backoff: { delayMs: 10 },
  description: 'a test replan',
};

describe('addThrottled', () => {
  const catalog = defineCatalog({ replan: testReplan });

  /** Fifty asks at once: all answered with one job. */
  async function burstOf(queues: JobQueues<typeof catalog>, windowMs: number) {
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        queues.addThrottled('replan', { reason: `event ${i}` }, { key: 'va', windowMs }),
      ),
    );
    expect(new Set(burst.map((b) => b.jobId)).size).toBe(1);
  }

  it('sends a burst of asks to Redis as two adds at most: the first, and one for all that came while it was on its way', async () => {
    const queues = queuesFor('throttle-adds', catalog);
    await burstOf(queues, 60_000);
    // Every add leaves an entry in the queue's event stream: one job made, at most one add deduplicated.
    const stream = await redis.xrange(`${queues.prefix}:replan:events`, '-', '+');
    const kinds = stream.map(([, fields]) => fields[fields.indexOf('event') + 1]);
    expect(kinds.filter((k) => k === 'delayed')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'deduplicated').length).toBeLessThanOrEqual(1);
    // A bad payload is refused for its own asker, whatever is on its way.
    await expect(
      queues.addThrottled('replan', { reason: 7 } as never, { key: 'va', windowMs: 60_000 }),
    ).rejects.toThrow(/payload is invalid: reason/);
  });

  it('sends nothing for the asks made while a job this process added waits; another process joins it by a check, not an add', async () => {
    const queues = queuesFor('throttle-waiting', catalog);
    const ask = (q: JobQueues<typeof catalog>, i: number) =>
      q.addThrottled('replan', { reason: `ask ${i}` }, { key: 'va', windowMs: 60_000 });
    const asks = [];
    for (let i = 0; i < 5; i++) asks.push(await ask(queues, i));
    expect(new Set(asks.map((a) => a.jobId)).size).toBe(1);
    const other = new JobQueues({ connection: redis, prefix: queues.prefix, catalog });
    cleanups.push(() => other.close());
    expect((await ask(other, 5)).jobId).toBe(asks[0]?.jobId);
    expect((await ask(other, 6)).jobId).toBe(asks[0]?.jobId);
    // Every add leaves an entry in the queue's event stream: one job made, and no add deduplicated
    // (the other process saw the job waiting, not started, and joined it without BullMQ's add).
    const stream = await redis.xrange(`${queues.prefix}:replan:events`, '-', '+');
    const kinds = stream.map(([, fields]) => fields[fields.indexOf('event') + 1]);
    expect(kinds.filter((k) => k === 'delayed')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'deduplicated')).toHaveLength(0);
    expect(await queues.queue('replan').getJobCounts('delayed')).toEqual({ delayed: 1 });
    // A job whose key is there but which has started (or is gone) is not joined so: BullMQ's add decides.
    await redis.hset(`${queues.prefix}:replan:${asks[0]?.jobId}`, 'processedOn', Date.now());
    expect((await ask(other, 7)).jobId).toBe(asks[0]?.jobId);
    const after = await redis.xrange(`${queues.prefix}:replan:events`, '-', '+');
    expect(after.filter(([, f]) => f[f.indexOf('event') + 1] === 'deduplicated')).toHaveLength(1);
  });

  it('forgets the job it added when its connection closes: a Redis that restarted may have lost it', async () => {
    const connection = redis.duplicate();
    cleanups.push(async () => connection.disconnect());
    const prefix = uniqueQueuePrefix('throttle-forget');
    const queues = new JobQueues({ connection, prefix, catalog });
    cleanups.push(async () => {
      await queues.close();
      await deleteKeys(redis, prefix);
    });
    const ask = () => queues.addThrottled('replan', { reason: 'ask' }, { key: 'va', windowMs: 60_000 });
    const first = await ask();
    expect((await ask()).jobId).toBe(first.jobId);
    // Redis loses the job (as a restart without persistence would) and the connection drops.
    await queues.queue('replan').remove(first.jobId);
    await deleteKeys(redis, `${prefix}:replan:de:`);
    const ready = new Promise<void>((resolve) => connection.once('ready', () => resolve()));
    connection.disconnect(true);
    await within(ready, 10_000, 'the connection back');
    const again = await ask();
    expect(again.jobId).not.toBe(first.jobId);
    expect(await queues.queue('replan').getJobCounts('delayed')).toEqual({ delayed: 1 });
  });

  it('runs the first ask of a quiet period after firstMs and the asks within the window after it, knowing the marker without asking Redis again', async () => {
    const queues = queuesFor('throttle-first', catalog);
    const running = startWorkers({
      connection: redis,
      queues,
      handlers: { replan: async () => undefined } satisfies JobHandlers<typeof catalog>,
      logger: silentLogger,
    });
    cleanups.push(() => running.close());
    const events = new QueueEvents('replan', { connection: redis.duplicate(), prefix: queues.prefix });
    cleanups.push(() => events.close());
    await events.waitUntilReady();
    const ask = (q: JobQueues<typeof catalog>) =>
      q.addThrottled('replan', { reason: 'ask' }, { key: 'va', windowMs: 60_000, firstMs: 50 });
    const delayOf = async (q: JobQueues<typeof catalog>) =>
      (await q.queue('replan').getJob((await ask(q)).jobId))?.opts.delay;
    const first = await queues.queue('replan').getJob((await ask(queues)).jobId);
    expect(first?.opts.delay).toBe(50);
    await first?.waitUntilFinished(events, 10_000);
    // The run came and went, and the marker is taken away behind the process's back: the process
    // knows it for the window's length, so its next ask is the full window, without asking Redis.
    await redis.del(`${queues.prefix}:throttle:replan:va`);
    const second = await queues.queue('replan').getJob((await ask(queues)).jobId);
    expect(second?.id).not.toBe(first?.id);
    expect(second?.opts.delay).toBe(60_000);
    await second?.remove();
    // Another process has not seen the marker: it asks Redis, which has none now (a quiet period).
    const other = new JobQueues({ connection: redis, prefix: queues.prefix, catalog });
    cleanups.push(() => other.close());
    expect(await delayOf(other)).toBe(50);
  });

  it('makes one job of a burst, and exactly one follow-up of what arrives while it runs', async () => {
    const queues = queuesFor('throttle', catalog);
    await burstOf(queues, 300);
    expect(await queues.queue('replan').getJobCounts('delayed', 'wait')).toEqual({ delayed: 1, wait: 0 });

    const runs: string[] = [];
    const releaseFirst = deferred();
    const firstStarted = new Promise<void>((started) => {
      const handlers = {
        replan: async (payload: { reason: string }) => {
          runs.push(payload.reason);
          if (runs.length === 1) {
            started();
            await releaseFirst.promise;
          }
        },
      } satisfies JobHandlers<typeof catalog>;
      const running = startWorkers({ connection: redis, queues, handlers, logger: silentLogger });
      cleanups.push(() => running.close());
    });
    const events = new QueueEvents('replan', { connection: redis.duplicate(), prefix: queues.prefix });
    cleanups.push(() => events.close());
    await events.waitUntilReady();
    await within(firstStarted, 10_000, 'the first replan');
    // While it runs: another burst, which must lead to one more run, with the latest payload.
    for (let i = 0; i < 10; i++)
      await queues.addThrottled('replan', { reason: `late ${i}` }, { key: 'va', windowMs: 50 });
    const followUpDone = new Promise<void>((resolve) => {
      events.on('completed', () => {
        if (runs.length === 2) resolve();
      });
    });
    releaseFirst.resolve();
    await within(followUpDone, 10_000, 'the follow-up replan');
    expect(runs).toHaveLength(2);
    expect(runs[1]).toBe('late 9');
    expect(await queues.queue('replan').getJobCounts('delayed', 'wait', 'active')).toEqual({
      delayed: 0,
      wait: 0,
      active: 0,
    });
  });
});

describe('addThrottled, one at a time', () => {
  const catalog = defineCatalog({ replan: { ...testReplan, oneAtATime: true } });

  it('makes the next job as an ask comes while a run is on, due a window after the ask, and starts it only when the run has ended, whatever workers are free', async () => {
    const queues = queuesFor('one-at-a-time', catalog);
    const events = new QueueEvents('replan', { connection: redis.duplicate(), prefix: queues.prefix });
    cleanups.push(() => events.close());
    await events.waitUntilReady();
    let running = 0;
    let mostAtOnce = 0;
    const runs: string[] = [];
    const firstReleased = deferred();
    const started = deferred();
    const handlers = {
      replan: async (payload: { reason: string }) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        runs.push(payload.reason);
        if (runs.length === 1) {
          started.resolve();
          await firstReleased.promise;
        }
        running--;
      },
    } satisfies JobHandlers<typeof catalog>;
    // Two processes' workers, each free to take two jobs at once: only the queue's limit holds them.
    for (let i = 0; i < 2; i++) {
      const workers = startWorkers({
        connection: redis,
        queues,
        handlers,
        logger: silentLogger,
        concurrency: { replan: 2 },
      });
      cleanups.push(() => workers.close());
      await within(workers.running, 10_000, 'the workers');
    }
    // The limit is the queue's, in Redis: every process's workers obey it.
    expect(await queues.queue('replan').getGlobalConcurrency()).toBe(1);
    await queues.addThrottled('replan', { reason: 'first' }, { key: 'va', windowMs: 50 });
    await within(started.promise, 10_000, 'the first run');

    const askedAt = Date.now();
    const { jobId } = await queues.addThrottled('replan', { reason: 'late' }, { key: 'va', windowMs: 50 });
    const next = await queues.queue('replan').getJob(jobId);
    // A job of its own at once, due a window after the ask: not kept back until the run ends.
    expect(next?.opts.delay).toBe(50);
    expect(next!.timestamp).toBeGreaterThanOrEqual(askedAt);
    expect(await queues.queue('replan').getJobCounts('active', 'delayed')).toEqual({ active: 1, delayed: 1 });

    // Due while the first still runs: it waits (or, without the limit, a free worker takes it).
    const dueOrTaken = new Promise<void>((resolve) => {
      const seen = ({ jobId: id }: { jobId: string }) => {
        if (id === jobId) resolve();
      };
      events.on('waiting', seen);
      events.on('active', seen);
    });
    await within(dueOrTaken, 10_000, 'the next job due');
    const done = new Promise<void>((resolve) => {
      events.on('completed', ({ jobId: id }) => {
        if (id === jobId) resolve();
      });
    });
    firstReleased.resolve();
    await within(done, 10_000, 'the next run');
    expect(runs).toEqual(['first', 'late']);
    expect(mostAtOnce).toBe(1);
  });

  it('puts the limit back at each run when Redis has lost it since the workers started (a flush, a restart without persistence)', async () => {
    const queues = queuesFor('one-at-a-time-lost', catalog);
    const events = new QueueEvents('replan', { connection: redis.duplicate(), prefix: queues.prefix });
    cleanups.push(() => events.close());
    await events.waitUntilReady();
    const workers = startWorkers({
      connection: redis,
      queues,
      handlers: { replan: async () => {} },
      logger: silentLogger,
    });
    cleanups.push(() => workers.close());
    await within(workers.running, 10_000, 'the workers');
    await redis.hdel(`${queues.prefix}:replan:meta`, 'concurrency');
    expect(await queues.queue('replan').getGlobalConcurrency()).toBeNull();
    const { jobId } = await queues.addThrottled(
      'replan',
      { reason: 'after the loss' },
      { key: 'va', windowMs: 10 },
    );
    const done = new Promise<void>((resolve) => {
      events.on('completed', ({ jobId: id }) => {
        if (id === jobId) resolve();
      });
    });
    await within(done, 10_000, 'the run');
    expect(await queues.queue('replan').getGlobalConcurrency()).toBe(1);
  });
});
