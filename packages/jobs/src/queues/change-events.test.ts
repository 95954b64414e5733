import { within } from '@vahub/testkit';
import { describe, expect, it } from 'vitest';
import { queueTests } from '../test-support/queues.js';
import { finishJobs } from '../testing/finish-jobs.js';
import { monitorRedis } from '../testing/monitor.js';
import { CHANGE_EVENT_JOBS, enqueueChangeEvent, findEventJob } from './change-events.js';
import { eventJobId } from './job-ids.js';
import type { JobQueues } from './queues.js';

const { redis, queuesFor, queuesKeeping } = queueTests();

const taskEvent = {
  id: 'evt-77',
  subject: 'task' as const,
  action: 'changed' as 'changed' | 'created',
  resourceId: '1207',
  scope: 'project-1',
  at: null,
};

const deliverTo = (queues: JobQueues, event = taskEvent, deliveryId = 'd-1', rememberMs?: number) =>
  enqueueChangeEvent({ queues, provider: 'tasks-vendor', deliveryId, event, rememberMs });

describe('enqueueChangeEvent', () => {
  it('makes one job of deliveries racing each other, and says which made it', async () => {
    const queues = queuesFor('events');
    const outcomes = await Promise.all([deliverTo(queues), deliverTo(queues), deliverTo(queues)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'duplicate', 'enqueued']);
    // Every delivery names the one job the event became.
    expect(new Set(outcomes.map((o) => o.jobId)).size).toBe(1);
    const queue = queues.queue(CHANGE_EVENT_JOBS.task);
    expect((await queue.getJobCounts('wait')).wait).toBe(1);
    const job = await findEventJob(queues, CHANGE_EVENT_JOBS.task, 'tasks-vendor', 'evt-77');
    expect(job?.id).toBe(outcomes[0]?.jobId);
    expect(job?.data).toMatchObject({ provider: 'tasks-vendor', eventId: 'evt-77', deliveryId: 'd-1' });

    // Remembered by default for longer than any vendor retries (Asana: 24 hours).
    const key = `${queues.prefix}:${CHANGE_EVENT_JOBS.task}:de:${eventJobId('tasks-vendor', 'evt-77')}`;
    expect(await redis.pttl(key)).toBeGreaterThan(7 * 24 * 3600 * 1000);

    const other = await deliverTo(queues, { ...taskEvent, id: 'evt-78' }, 'd-2');
    expect(other.outcome).toBe('enqueued');
    expect(other.jobId).not.toBe(job?.id);
  });

  it('makes no second job of a redelivery after the first job finished and its record was removed', async () => {
    const queues = queuesKeeping('events-finished', 0);
    const name = CHANGE_EVENT_JOBS.task;
    const first = await deliverTo(queues, { ...taskEvent, id: 'evt-80' });
    expect(first.outcome).toBe('enqueued');
    expect(await finishJobs(redis, queues.prefix, name, { count: 1 })).toEqual([first.jobId]);
    expect(await queues.queue(name).getJob(first.jobId)).toBeUndefined();
    const again = await deliverTo(queues, { ...taskEvent, id: 'evt-80' }, 'd-9');
    expect(again.outcome).toBe('duplicate');
    const counts = await queues.queue(name).getJobCounts('wait', 'active', 'delayed');
    expect(counts).toEqual({ wait: 0, active: 0, delayed: 0 });
  });

  it('still knows an event after the queue trimmed its finished records by count, as it does in service', async () => {
    // The service keeps the last 1,000 finished records of a queue; here the last one.
    const queues = queuesKeeping('events-trimmed', 1);
    const { prefix } = queues;
    const name = CHANGE_EVENT_JOBS.task;
    const first = await deliverTo(queues, { ...taskEvent, id: 'evt-81' });
    expect(await finishJobs(redis, prefix, name, { count: 1 })).toEqual([first.jobId]);
    const second = await deliverTo(queues, { ...taskEvent, id: 'evt-82' });
    expect(await finishJobs(redis, prefix, name, { count: 1 })).toEqual([second.jobId]);
    expect(await queues.queue(name).getJob(first.jobId)).toBeUndefined();
    expect((await deliverTo(queues, { ...taskEvent, id: 'evt-81' }, 'd-3')).outcome).toBe('duplicate');
    expect((await queues.queue(name).getJobCounts('wait')).wait).toBe(0);
  });

  it('remembers an event for rememberMs, in the same script as the add: one command per event', async () => {
    const queues = queuesFor('events-one-command');
    const monitor = await monitorRedis(redis);
    const ran: string[] = [];
    const added = new Promise<void>((resolve) => {
      // MONITOR reports every command Redis runs (others' too: keep those clients sent on our keys,
      // not what the add's script ran).
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source.includes('lua') || !args.some((a) => String(a).startsWith(queues.prefix))) return;
        // (BullMQ also reads and writes the queue's meta when it first uses a queue: not the event's.)
        if (String(args[1]).endsWith(':meta')) return;
        const name = String(args[0]).toLowerCase();
        ran.push(name === 'evalsha' || name === 'eval' ? 'add' : name);
        if (name === 'evalsha' || name === 'eval') resolve();
      });
    });
    try {
      const out = await deliverTo(queues, { ...taskEvent, id: 'evt-95' }, 'd-5', 60_000);
      expect(out.outcome).toBe('enqueued');
      await within(added, 5_000, 'MONITOR reporting the add');
      expect(ran).toEqual(['add']);
      monitor.assertNoError();
    } finally {
      monitor.disconnect();
    }
    const key = `${queues.prefix}:${CHANGE_EVENT_JOBS.task}:de:${eventJobId('tasks-vendor', 'evt-95')}`;
    const left = await redis.pttl(key);
    expect(left).toBeGreaterThan(50_000);
    expect(left).toBeLessThanOrEqual(60_000);
  });

  it('a job a person removes by hand lets the next delivery of its event through', async () => {
    const queues = queuesFor('events-removed');
    const first = await deliverTo(queues, { ...taskEvent, id: 'evt-85' });
    await (await queues.queue(CHANGE_EVENT_JOBS.task).getJob(first.jobId))?.remove();
    const again = await deliverTo(queues, { ...taskEvent, id: 'evt-85' }, 'd-2');
    expect(again.outcome).toBe('enqueued');
    expect(again.jobId).not.toBe(first.jobId);
    expect((await queues.queue(CHANGE_EVENT_JOBS.task).getJobCounts('wait')).wait).toBe(1);
  });

  it('an add that fails in Redis leaves the event unremembered, so the redelivery is added', async () => {
    const queues = queuesFor('events-fail');
    const event = { ...taskEvent, id: 'evt-90', action: 'created' as const };
    // The queue's meta hash made a string: the add script fails (WRONGTYPE) at its first read,
    // before it wrote anything.
    const metaKey = `${queues.prefix}:${CHANGE_EVENT_JOBS.task}:meta`;
    await redis.set(metaKey, 'not a hash');
    await expect(deliverTo(queues, event, 'd-9')).rejects.toThrow(/WRONGTYPE/);
    await redis.del(metaKey);
    expect((await deliverTo(queues, event, 'd-9')).outcome).toBe('enqueued');
    expect((await deliverTo(queues, event, 'd-9')).outcome).toBe('duplicate');
    expect((await queues.queue(CHANGE_EVENT_JOBS.task).getJobCounts('wait')).wait).toBe(1);
  });
});
