import { within } from '@vahub/testkit';
import { describe, expect, it } from 'vitest';
import { EventDedupeStore } from '../state/dedupe-store.js';
import { queueTests } from '../test-support/queues.js';
import { monitorRedis } from '../testing/monitor.js';
import { CHANGE_EVENT_JOBS, changeEventJob, enqueueChangeEvent } from './change-events.js';
import { eventJobId } from './job-ids.js';

const { redis, queuesFor } = queueTests();

const taskEvent = {
  id: 'evt-77',
  subject: 'task' as const,
  action: 'changed' as 'changed' | 'created',
  resourceId: '1207',
  scope: 'project-1',
  at: null,
};

describe('enqueueChangeEvent', () => {
  it('makes one job of a redelivered event, even after the job record is gone', async () => {
    const queues = queuesFor('events');
    const prefix = `${queues.prefix}:stores`;
    const dedupe = new EventDedupeStore({ redis, prefix });
    const event = taskEvent;
    const deliver = () =>
      enqueueChangeEvent({ queues, dedupe, provider: 'tasks-vendor', deliveryId: 'd-1', event });
    const outcomes = await Promise.all([deliver(), deliver(), deliver()]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'duplicate', 'enqueued']);
    const queue = queues.queue(CHANGE_EVENT_JOBS.task);
    expect((await queue.getJobCounts('wait')).wait).toBe(1);
    const job = await queue.getJob(eventJobId('tasks-vendor', 'evt-77'));
    expect(job?.data).toMatchObject({ provider: 'tasks-vendor', eventId: 'evt-77', deliveryId: 'd-1' });

    await job?.remove();
    expect((await deliver()).outcome).toBe('duplicate');
    expect((await queue.getJobCounts('wait')).wait).toBe(0);

    const other = await enqueueChangeEvent({
      queues,
      dedupe,
      provider: 'tasks-vendor',
      deliveryId: 'd-2',
      event: { ...event, id: 'evt-78' },
    });
    expect(other.outcome).toBe('enqueued');
  });

  it('remembers an event right behind its add, on the same connection: Redis runs the add first', async () => {
    const queues = queuesFor('events-order');
    const dedupe = new EventDedupeStore({ redis, prefix: `${queues.prefix}:stores` });
    const monitor = await monitorRedis(redis);
    const ran: { command: string; source: string }[] = [];
    const remembered = new Promise<void>((resolve) => {
      // MONITOR reports every command Redis runs, in the order it runs them (others' too: keep ours,
      // as clients sent them, not those the add's script ran).
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source.includes('lua') || !args.some((a) => String(a).startsWith(queues.prefix))) return;
        const name = String(args[0]).toLowerCase();
        ran.push({ command: name === 'evalsha' || name === 'eval' ? 'add' : name, source });
        if (name === 'set') resolve();
      });
    });
    try {
      const event = { ...taskEvent, id: 'evt-95' };
      const out = await enqueueChangeEvent({
        queues,
        dedupe,
        provider: 'tasks-vendor',
        deliveryId: 'd-5',
        event,
      });
      expect(out.outcome).toBe('enqueued');
      await within(remembered, 5_000, 'MONITOR reporting the remember');
      // (BullMQ also writes the queue's meta when it first uses a queue: not the event's.)
      const ours = ran.filter((r) => ['exists', 'add', 'set'].includes(r.command));
      expect(ours.map((r) => r.command)).toEqual(['exists', 'add', 'set']);
      expect(new Set(ours.map((r) => r.source)).size).toBe(1);
      monitor.assertNoError();
    } finally {
      monitor.disconnect();
    }
  });

  it('a command sent behind an add that throws instead of rejecting leaves no outcome unobserved', async () => {
    const queues = queuesFor('events-then-throws');
    const { job, jobId, payload } = changeEventJob({
      provider: 'tasks-vendor',
      deliveryId: 'd-6',
      event: { ...taskEvent, id: 'evt-96' },
    });
    const then = (): Promise<unknown> => {
      throw new Error('not sent');
    };
    // The add fails too (the queue's meta hash made a string): its failure is what is reported, not
    // left as an unhandled rejection behind the throw.
    const metaKey = `${queues.prefix}:${job}:meta`;
    await redis.set(metaKey, 'not a hash');
    await expect(queues.addCheckedThen(job, payload, { jobId }, then)).rejects.toThrow(
      /adding a event.task job failed: WRONGTYPE/,
    );
    await redis.del(metaKey);
    await expect(queues.addCheckedThen(job, payload, { jobId }, then)).rejects.toThrow('not sent');
    expect(await queues.queue(job).getJob(jobId)).toBeDefined();
  });

  it('an add that fails in Redis leaves the event unremembered, so the redelivery is added', async () => {
    const queues = queuesFor('events-fail');
    const dedupe = new EventDedupeStore({ redis, prefix: `${queues.prefix}:stores` });
    const event = { ...taskEvent, id: 'evt-90', action: 'created' as const };
    const deliver = () =>
      enqueueChangeEvent({ queues, dedupe, provider: 'tasks-vendor', deliveryId: 'd-9', event });
    // The queue's meta hash made a string: the add script fails (WRONGTYPE) at its first read,
    // before it wrote anything; the remember sent behind it went in, and is undone.
    const metaKey = `${queues.prefix}:${CHANGE_EVENT_JOBS.task}:meta`;
    await redis.set(metaKey, 'not a hash');
    await expect(deliver()).rejects.toThrow(/adding a event.task job failed: WRONGTYPE/);
    expect(await dedupe.seen('tasks-vendor', 'evt-90')).toBe(false);
    await redis.del(metaKey);
    expect((await deliver()).outcome).toBe('enqueued');
    expect((await deliver()).outcome).toBe('duplicate');
    expect((await queues.queue(CHANGE_EVENT_JOBS.task).getJobCounts('wait')).wait).toBe(1);
  });
});
