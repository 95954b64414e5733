// The always-on service end to end, tasks to calendar blocks: a private Redis, the four fakes over
// HTTP, the webhook receiver, one worker and the planner (the replans: `--only planner`, beside
// `--planner elsewhere`) as separate processes. Asana delivers its webhooks to the receiver by
// itself; what is asserted is what the fakes end up holding. The invoices: service-invoices.test.ts.

import { deliverWebhook } from '@vahub/testkit';
import { describe, expect, it } from 'vitest';
import { KOALA_PROJECT, THAMES_PROJECT } from './support/flows-world.js';
import { terminate } from './support/service-processes.js';
import {
  dateIn,
  endOfDate,
  inWorkingHours,
  minutesOf,
  replanWaits,
  withWorkerWorld,
} from './support/service-worker-world.js';
import { blocksOf, endOf, type ServiceWorld, startOf } from './support/service-world.js';

let w: ServiceWorld;
withWorkerWorld((world) => {
  w = world;
});
const { replansPending, replansAfter, settled } = replanWaits(() => w);

describe('tasks to blocks as they happen', () => {
  let taskId = '';

  it('a new task gets its blocks in working hours, before its deadline in the client zone', async () => {
    const seq = w.lastSeq();
    const due = dateIn('Australia/Sydney', 6);
    const task = w.asana.createTask({
      name: 'Write the newsletter',
      projects: [KOALA_PROJECT],
      assignee: w.vaGid,
      dueOn: due,
      customFields: { [w.estimateGid]: 90 },
    });
    taskId = task.gid;
    const { event } = await settled(taskId, seq);
    expect(event.value).toMatchObject({ outcome: 'open', clientId: 'koala-co' });
    expect((await w.taskMirror.get('koala-co', taskId))?.name).toBe('Write the newsletter');
    const blocks = blocksOf(w.google, taskId);
    expect(blocks.length).toBeGreaterThan(0);
    expect(minutesOf(blocks)).toBe(90);
    inWorkingHours(blocks);
    for (const b of blocks) expect(endOf(b)).toBeLessThanOrEqual(endOfDate(due, 'Australia/Sydney'));
    // The event was the worker's, the replan the planner's.
    const by = (msg: string) =>
      w.logs.filter((l) => l.includes(`"msg":"${msg}"`)).map((l) => (JSON.parse(l) as { name: string }).name);
    expect(new Set(by('task mirrored'))).toEqual(new Set(['worker']));
    expect(new Set(by('calendar replanned'))).toEqual(new Set(['planner']));
  });

  it('a due date moved earlier: the replan reads it from the mirror and every block ends before the new deadline', async () => {
    const seq = w.lastSeq();
    const due = dateIn('Australia/Sydney', 3);
    w.asana.updateTask(taskId, { dueOn: due });
    await settled(taskId, seq);
    expect((await w.taskMirror.get('koala-co', taskId))?.due).toEqual({ kind: 'date', date: due });
    const blocks = blocksOf(w.google, taskId);
    expect(minutesOf(blocks)).toBe(90);
    inWorkingHours(blocks);
    for (const b of blocks) expect(endOf(b)).toBeLessThanOrEqual(endOfDate(due, 'Australia/Sydney'));
  });

  it('an event for a field vahub does not keep (the notes) asks for no replan', async () => {
    const seq = w.lastSeq();
    const blocksBefore = blocksOf(w.google, taskId).map((b) => b.json.id);
    w.asana.updateTask(taskId, { notes: 'Call the printer first' });
    const event = await w.waitFinished('event.task', (f) => f.value?.taskId === taskId, { afterSeq: seq });
    expect(event.value).toMatchObject({ outcome: 'open', replan: false });
    // The ask is the handler's last step: had it asked, a replan would be waiting or delayed now.
    expect(await replansPending()).toBe(false);
    expect(blocksOf(w.google, taskId).map((b) => b.json.id)).toEqual(blocksBefore);
  });

  it('a change in the mirror whose event failed before asking: its retry asks, though the mirror holds it', async () => {
    const seq = w.lastSeq();
    // What a first try that died between the mirror write and the ask leaves: the change in the
    // mirror, no replan asked. The webhook is not delivered; the event's retry comes as a job.
    const hooks = new Map(w.asana.webhooks);
    w.asana.webhooks.clear();
    w.asana.updateTask(taskId, { name: 'Write the December newsletter' });
    for (const [gid, hook] of hooks) w.asana.webhooks.set(gid, hook);
    const mirrored = await w.taskMirror.get('koala-co', taskId);
    const renamed = { ...mirrored!, name: 'Write the December newsletter' };
    expect(await w.taskMirror.settle(taskId, renamed, ['koala-co', 'thames-studio'])).toBe(true);
    await w.queues.add('event.task', {
      provider: 'asana',
      eventId: `retried-${taskId}-${seq}`,
      action: 'changed',
      resourceId: taskId,
      scope: KOALA_PROJECT,
      at: null,
      receivedAt: new Date().toISOString(),
    });
    const { event } = await settled(taskId, seq);
    expect(event.value).toMatchObject({ outcome: 'open', replan: true });
    expect(await w.taskMirror.get('koala-co', taskId)).toMatchObject({ name: renamed.name });
    expect(minutesOf(blocksOf(w.google, taskId))).toBe(90);
  });

  it('a completed task leaves the mirror and its future blocks go', async () => {
    const seq = w.lastSeq();
    w.asana.updateTask(taskId, { completed: true });
    const { event } = await settled(taskId, seq);
    expect(event.value).toMatchObject({ outcome: 'closed' });
    expect(await w.taskMirror.get('koala-co', taskId)).toBeNull();
    expect(blocksOf(w.google, taskId).filter((b) => startOf(b) > Date.now())).toEqual([]);
  });

  let meetingTask = '';
  it('a meeting put over a block: the calendar sweep sees it and the block moves', async () => {
    const seq = w.lastSeq();
    meetingTask = w.asana.createTask({
      name: 'Update the portfolio',
      projects: [THAMES_PROJECT],
      assignee: w.vaGid,
      dueOn: dateIn('Europe/London', 6),
      customFields: { [w.estimateGid]: 60 },
    }).gid;
    await settled(meetingTask, seq);
    const [first] = blocksOf(w.google, meetingTask).sort((a, b) => startOf(a) - startOf(b));
    expect(first).toBeDefined();
    const meeting = { start: startOf(first!), end: endOf(first!) };
    w.google.seedEvent('primary', {
      summary: 'Client call',
      start: { dateTime: new Date(meeting.start).toISOString(), timeZone: 'UTC' },
      end: { dateTime: new Date(meeting.end).toISOString(), timeZone: 'UTC' },
    });
    const before = w.lastSeq();
    await w.queues.add('sweep', { provider: 'google', subject: 'calendar', clientId: null });
    const sweep = await w.waitFinished('sweep', (f) => f.value?.subject === 'calendar', { afterSeq: before });
    expect(sweep.value).toMatchObject({ added: 1, replan: true });
    await replansAfter(sweep.seq);
    const blocks = blocksOf(w.google, meetingTask);
    expect(minutesOf(blocks)).toBe(60);
    for (const b of blocks) expect(startOf(b) >= meeting.end || endOf(b) <= meeting.start).toBe(true);
  });

  it('a webhook delivered 3 times makes no job again, and after its records were cleared by hand, no second effect', async () => {
    const delivery = w.asana.hub.deliveries.find((d) => d.status === 200 && d.body.includes(meetingTask));
    expect(delivery).toBeDefined();
    const eventQueue = w.queues.queue('event.task');
    const jobs = () => eventQueue.getJobCountByTypes('completed', 'waiting', 'active', 'delayed', 'failed');
    const blockIds = () =>
      blocksOf(w.google, meetingTask)
        .map((b) => b.json.id)
        .sort();
    const jobsBefore = await jobs();
    const idsBefore = blockIds();
    const redeliver = () =>
      deliverWebhook({ url: delivery!.target, body: delivery!.body, headers: delivery!.headers });
    for (let i = 0; i < 3; i++) expect((await redeliver()).status).toBe(200);
    expect(await jobs()).toBe(jobsBefore);
    // Records the queue trims by count and age keep their events remembered (packages/jobs'
    // change-events tests); clearing them by hand lifts that too, so the redelivery is taken again,
    // and its jobs must change nothing.
    await eventQueue.clean(0, 10_000, 'completed');
    expect(await jobs()).toBe(0);
    const seq = w.lastSeq();
    expect((await redeliver()).status).toBe(200);
    const taken = await jobs();
    expect(taken).toBeGreaterThan(0);
    let after = seq;
    for (let n = 0; n < taken; n++) {
      const done = await w.waitFinished('event.task', () => true, { afterSeq: after });
      expect(done.outcome).toBe('completed');
      after = done.seq;
    }
    expect(blockIds()).toEqual(idsBefore);
  });

  it('a webhook never delivered: the task sweep catches the task', async () => {
    const hooks = new Map(w.asana.webhooks);
    w.asana.webhooks.clear();
    const missed = w.asana.createTask({
      name: 'Plan the launch',
      projects: [KOALA_PROJECT],
      assignee: w.vaGid,
      dueOn: dateIn('Australia/Sydney', 6),
      customFields: { [w.estimateGid]: 30 },
    }).gid;
    for (const [gid, hook] of hooks) w.asana.webhooks.set(gid, hook);
    expect(await w.taskMirror.get('koala-co', missed)).toBeNull();
    const seq = w.lastSeq();
    await w.queues.add('sweep', { provider: 'asana', subject: 'task', clientId: null });
    const sweep = await w.waitFinished('sweep', (f) => f.value?.subject === 'task', { afterSeq: seq });
    expect(sweep.value?.changed).toBeGreaterThanOrEqual(1);
    await replansAfter(sweep.seq);
    expect(await w.taskMirror.get('koala-co', missed)).not.toBeNull();
    expect(minutesOf(blocksOf(w.google, missed))).toBe(30);
  });
});

describe('a sweep after many missed changes', () => {
  it('lists the project once instead of reading each changed task, and the mirror follows every change', async () => {
    const hooks = new Map(w.asana.webhooks);
    w.asana.webhooks.clear();
    const task = (name: string) =>
      w.asana.createTask({
        name,
        projects: [KOALA_PROJECT],
        assignee: w.vaGid,
        dueOn: dateIn('Australia/Sydney', 8),
        customFields: { [w.estimateGid]: 30 },
      }).gid;
    const created = ['Draft the brief', 'Book the venue', 'Order the prints'].map(task);
    const done = task('Send the invites');
    w.asana.updateTask(done, { completed: true });
    w.asana.updateTask(created[0]!, { name: 'Draft the brief (v2)' });
    for (const [gid, hook] of hooks) w.asana.webhooks.set(gid, hook);
    const from = w.asana.server.requests.length;
    const seq = w.lastSeq();
    await w.queues.add('sweep', { provider: 'asana', subject: 'task', clientId: 'koala-co' });
    const sweep = await w.waitFinished('sweep', (f) => f.value?.subject === 'task', { afterSeq: seq });
    expect(sweep.outcome).toBe('completed');
    expect(sweep.value?.changed).toBe(4);
    const calls = w.asana.server.requests.slice(from).filter((r) => r.method === 'GET');
    expect(calls.filter((r) => r.path.includes('/tasks/'))).toEqual([]);
    expect(calls.filter((r) => r.path.endsWith(`/projects/${KOALA_PROJECT}/tasks`))).toHaveLength(1);
    const mirrored = await w.taskMirror.list('koala-co');
    expect(mirrored.map((t) => t.id)).toEqual(expect.arrayContaining(created));
    expect(mirrored.find((t) => t.id === created[0])?.name).toBe('Draft the brief (v2)');
    expect(mirrored.some((t) => t.id === done)).toBe(false);
  });
});

describe('shutdown', () => {
  it('SIGTERM: the planner drains the replan in flight, then exits 0', async () => {
    const worker = w.planner();
    const seq = w.lastSeq();
    // A replan takes a few vendor calls: it is in flight when the signal comes.
    const { jobId } = await w.queues.add('schedule.replan', { reason: 'shutdown test' });
    await w.waitActive('schedule.replan', jobId);
    const exited = terminate(worker!);
    const replan = await w.waitFinished('schedule.replan', (f) => f.jobId === jobId, { afterSeq: seq });
    expect(replan.outcome).toBe('completed');
    expect(await exited).toBe(0);
  });
});
