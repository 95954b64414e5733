import { describe, expect, it } from 'vitest';
import { queueTests } from '../test-support/queues.js';
import { eventJobId, jobIdFor } from './job-ids.js';
import { JobQueues } from './queues.js';

const { redis, queuesFor } = queueTests();

describe('job ids', () => {
  it('derive from an identity: stable, distinct, and free of what BullMQ refuses', () => {
    expect(eventJobId('tasks-vendor', 'a:b:c')).toBe(eventJobId('tasks-vendor', 'a:b:c'));
    expect(eventJobId('tasks-vendor', 'a:b:c')).not.toBe(eventJobId('other', 'a:b:c'));
    expect(eventJobId('tasks-vendor', 'a:b:c')).toMatch(/^evt-tasks-vendor-[0-9a-f]{32}$/);
    expect(jobIdFor('invoice.run', ['koala', '2026-11'])).toMatch(/^invoice-run-[0-9a-f]{32}$/);
  });
});

describe('JobQueues', () => {
  it('refuses a prefix Redis Cluster would scatter across slots', () => {
    expect(() => new JobQueues({ connection: redis, prefix: 'vahub' })).toThrow(/\{hash tag\}/);
  });

  it('checks a payload before adding it, naming each bad field, and adds nothing then', async () => {
    const queues = queuesFor('payload');
    await expect(
      queues.add('invoice.run', { clientId: '', period: 'last-month', trigger: 'schedule' } as never),
    ).rejects.toThrow(/invoice\.run job's payload is invalid: clientId: .*; period: /);
    expect((await queues.queue('invoice.run').getJobCounts('wait')).wait).toBe(0);
  });

  it("applies the catalog's tries and jittered exponential backoff to every job", async () => {
    const queues = queuesFor('policy');
    const { jobId } = await queues.add('sweep', {
      provider: 'tasks-vendor',
      subject: 'task',
      clientId: null,
    });
    const job = await queues.queue('sweep').getJob(jobId);
    expect(job?.opts.attempts).toBe(5);
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 10_000, jitter: 0.5 });
  });

  it('adds one job for one identity, however often it is added', async () => {
    const queues = queuesFor('unique');
    const input = { clientId: 'koala', period: 'just-ended' as const, trigger: 'manual' as const };
    const ids = await Promise.all(
      [1, 2, 3].map(() => queues.addUnique('invoice.run', input, { identity: ['koala', '2026-11'] })),
    );
    expect(new Set(ids.map((r) => r.jobId)).size).toBe(1);
    expect((await queues.queue('invoice.run').getJobCounts('wait')).wait).toBe(1);
  });

  it('counts the jobs of every queue by state', async () => {
    const queues = queuesFor('depths');
    await queues.add('schedule.replan', { reason: 'test' });
    await queues.add('schedule.replan', { reason: 'later' }, { delayMs: 60_000 });
    const depths = await queues.depths();
    expect(depths.map((d) => d.queue).sort()).toEqual(queues.names.sort());
    expect(depths.find((d) => d.queue === 'schedule.replan')).toMatchObject({ waiting: 1, delayed: 1 });
  });
});
