// The always-on service end to end: a private Redis, the four fakes over HTTP, the webhook receiver,
// one worker and the planner (the replans: `--only planner`, beside `--planner elsewhere`) as
// separate processes. Asana delivers its webhooks to the receiver by itself; what
// is asserted is what the fakes end up holding.

import { periodContaining, Temporal } from '@vahub/core';
import { CursorStore, listFailedJobs } from '@vahub/jobs';
import { deliverWebhook } from '@vahub/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KOALA_CONTACT, KOALA_PROJECT, TENANT, THAMES_PROJECT } from './support/flows-world.js';
import { terminate } from './support/service-processes.js';
import {
  blocksOf,
  endOf,
  PREFIX,
  type ServiceWorld,
  startOf,
  startServiceWorld,
} from './support/service-world.js';

const DAY = 86_400_000;
let w: ServiceWorld;

beforeAll(async () => {
  w = await startServiceWorld({ workers: 1, planner: 'apart' });
  await w.registerAsanaWebhooks();
  // A fresh deployment: mirrors, cursors and unbilled time built once from the apps.
  const seq = w.lastSeq();
  await w.queues.add('reconcile', { clientId: null });
  const done = await w.waitFinished('reconcile', () => true, { afterSeq: seq });
  expect(done.outcome).toBe('completed');
}, 60_000);
afterAll(async () => {
  await w?.stop();
}, 30_000);

/** The local date `days` from now in `zone`. */
const dateIn = (zone: string, days: number) =>
  Temporal.Instant.fromEpochMilliseconds(Date.now() + days * DAY)
    .toZonedDateTimeISO(zone)
    .toPlainDate()
    .toString();
/** The end of a local date in a zone (the start of the next day). */
const endOfDate = (date: string, zone: string) =>
  Temporal.PlainDate.from(date).add({ days: 1 }).toZonedDateTime(zone).epochMilliseconds;
const minutesOf = (blocks: ReturnType<typeof blocksOf>) =>
  blocks.reduce((sum, b) => sum + (endOf(b) - startOf(b)) / 60_000, 0);

/** Every block in the VA's working hours (Mon–Fri 09:00–17:00 Budapest). */
function inWorkingHours(blocks: ReturnType<typeof blocksOf>) {
  for (const b of blocks) {
    const s = Temporal.Instant.fromEpochMilliseconds(startOf(b)).toZonedDateTimeISO('Europe/Budapest');
    const e = Temporal.Instant.fromEpochMilliseconds(endOf(b)).toZonedDateTimeISO('Europe/Budapest');
    expect(s.dayOfWeek).toBeLessThanOrEqual(5);
    expect(s.toPlainDate().equals(e.toPlainDate())).toBe(true);
    expect(s.hour * 60 + s.minute).toBeGreaterThanOrEqual(9 * 60);
    expect(e.hour * 60 + e.minute).toBeLessThanOrEqual(17 * 60);
  }
}

/** Replans still to run (not the schedulers' own). */
const replansPending = async () =>
  (await w.queues.queue('schedule.replan').getJobs(['waiting', 'delayed', 'active'])).some(
    (j) => !j.repeatJobKey,
  );

/**
 * Wait for the task's event job and then for the replans after it until none is left to run: one
 * already running when the event came may finish first without the task, and its follow-up (queued
 * by BullMQ as it completes) has it.
 */
async function settled(taskId: string, afterSeq: number) {
  const event = await w.waitFinished('event.task', (f) => f.value?.taskId === taskId, { afterSeq });
  expect(event.outcome).toBe('completed');
  return { event, replan: await replansAfter(event.seq) };
}

/** The replans that finish after `seq`, until none is left to run: the last one. */
async function replansAfter(seq: number) {
  let replan = await w.waitFinished('schedule.replan', () => true, { afterSeq: seq });
  while (await replansPending())
    replan = await w.waitFinished('schedule.replan', () => true, { afterSeq: replan.seq });
  expect(replan.outcome).toBe('completed');
  return replan;
}

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

  it('a webhook delivered 3 times, and again after its job records are gone, has one effect', async () => {
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
    await eventQueue.clean(0, 10_000, 'completed');
    expect(await jobs()).toBe(0);
    expect((await redeliver()).status).toBe(200);
    expect(await jobs()).toBe(0);
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

describe('time to drafts', () => {
  const sydney = 'Australia/Sydney';
  const current = periodContaining('month', Date.now(), sydney);
  const firing = current.start + 5 * 60_000;
  const koalaDrafts = () =>
    w.xero.invoices(TENANT).filter((i) => (i.Contact as { ContactID: string }).ContactID === KOALA_CONTACT);

  it('the invoice run is scheduled at 00:05 on the first of the month in the client zone', async () => {
    const [koala] = (await w.queues.schedules('invoice.run')).filter((s) => s.id === 'invoice-run:koala-co');
    expect(koala).toMatchObject({ tz: sydney, cron: '5 0 1 * *' });
    const next = Temporal.Instant.fromEpochMilliseconds(koala!.next!).toZonedDateTimeISO(sydney);
    expect([next.day, next.hour, next.minute]).toEqual([1, 0, 5]);
    expect(koala!.next!).toBeGreaterThan(Date.now());
  });

  it("the scheduler's job for the period start drafts last month once, however often it runs", async () => {
    // Last month's time: 3 h 15 m over three entries.
    const lastMonth = current.start - 10 * DAY;
    for (const [offset, minutes] of [
      [0, 60],
      [DAY, 75],
      [2 * DAY, 60],
    ] as const) {
      w.toggl.addEntry({
        workspace_id: 4242,
        project_id: 190001,
        description: 'social media',
        start: lastMonth + offset,
        stop: lastMonth + offset + minutes * 60_000,
        billable: true,
      });
    }
    const run = { clientId: 'koala-co', period: 'just-ended' as const, trigger: 'schedule' as const };
    // What the scheduler adds at the firing (a repeat job whose time is the period start), twice at once.
    const seq = w.lastSeq();
    const prev = periodContaining('month', current.start - 1, sydney);
    // Report pages of last month's period (the connector asks from the day before, in UTC).
    const from = w.toggl.server.requests.length;
    const prevReads = () =>
      searches(from).filter((r) =>
        r.body.includes(`"start_date":"${new Date(prev.start - DAY).toISOString().slice(0, 10)}"`),
      ).length;
    const queue = w.queues.queue('invoice.run');
    await Promise.all([
      queue.add('invoice.run', run, { timestamp: firing }),
      queue.add('invoice.run', run, { timestamp: firing }),
    ]);
    const first = await w.waitFinished('invoice.run', () => true, { afterSeq: seq, timeoutMs: 30_000 });
    const second = await w.waitFinished('invoice.run', () => true, {
      afterSeq: first.seq,
      timeoutMs: 30_000,
    });
    expect([first.outcome, second.outcome]).toEqual(['completed', 'completed']);
    // Asked for at once: one read the period, the other was coalesced into it and read nothing.
    expect([first, second].filter((f) => f.value?.coalesced)).toHaveLength(1);
    expect(prevReads()).toBe(1);
    expect(first.value?.period).toEqual({ firstDate: prev.firstDate, lastDate: prev.lastDate });
    expect(koalaDrafts()).toHaveLength(1);
    const drafted = [first, second].find((f) => f.value?.invoiceId)!;
    expect(koalaDrafts()[0]?.InvoiceID).toBe(drafted.value?.invoiceId);
    // Retainer 2 h for 100.00, then 1 h 15 m at 50.00 (15-minute rounding): 162.50 before tax.
    expect(koalaDrafts()[0]?.SubTotal).toBe(162.5);
    const again = w.lastSeq();
    await queue.add('invoice.run', run, { timestamp: firing });
    const repeat = await w.waitFinished('invoice.run', (f) => f.outcome === 'completed', {
      afterSeq: again,
      timeoutMs: 30_000,
    });
    // The same firing again (a retry, a second scheduler): already done, nothing read.
    expect(repeat.value).toMatchObject({ entriesRead: 0, coalesced: { askedAt: firing } });
    expect(prevReads()).toBe(1);
    expect(koalaDrafts()).toHaveLength(1);
  });

  it('a draft the VA deletes in Xero: the invoice event releases its time, and the next run bills it again', async () => {
    const [draft] = koalaDrafts();
    const koalaEntries = () => [...w.toggl.store.entries.values()].filter((e) => e.project_id === 190001);
    expect(koalaEntries().filter((e) => e.tags.includes('invoiced'))).toHaveLength(3);
    w.xero.setInvoiceStatus(draft!.InvoiceID as string, 'DELETED', TENANT);
    const seq = w.lastSeq();
    const now = new Date().toISOString();
    await w.queues.add('event.invoice', {
      provider: 'xero',
      eventId: `deleted-${draft!.InvoiceID}`,
      deliveryId: null,
      action: 'changed',
      resourceId: draft!.InvoiceID as string,
      scope: TENANT,
      at: now,
      receivedAt: now,
    });
    const event = await w.waitFinished('event.invoice', () => true, { afterSeq: seq, timeoutMs: 20_000 });
    expect(event.outcome).toBe('completed');
    expect(event.value).toMatchObject({ clientId: 'koala-co', status: 'DELETED', ledger: { released: 3 } });
    expect(koalaEntries().filter((e) => e.tags.includes('invoiced'))).toHaveLength(0);

    const again = w.lastSeq();
    await w.queues.add('invoice.run', { clientId: 'koala-co', period: 'just-ended', trigger: 'manual' });
    const run = await w.waitFinished('invoice.run', () => true, { afterSeq: again, timeoutMs: 30_000 });
    expect(run.outcome).toBe('completed');
    const live = koalaDrafts().filter((i) => i.Status !== 'DELETED');
    expect(live).toHaveLength(1);
    expect(live[0]?.SubTotal).toBe(162.5);
    expect(koalaEntries().filter((e) => e.tags.includes('invoiced'))).toHaveLength(3);
  });

  it('a run for a client the config does not have is parked with what to fix; the others run', async () => {
    const seq = w.lastSeq();
    await w.queues.add('invoice.run', { clientId: 'nobody', period: 'just-ended', trigger: 'manual' });
    await w.queues.add('invoice.run', { clientId: 'thames-studio', period: 'just-ended', trigger: 'manual' });
    const failed = await w.waitFinished('invoice.run', (f) => f.outcome === 'failed', { afterSeq: seq });
    const other = await w.waitFinished('invoice.run', (f) => f.outcome === 'completed', { afterSeq: seq });
    expect(other.value?.clientId).toBe('thames-studio');
    const [parked] = await listFailedJobs(w.queues, { queue: 'invoice.run' });
    expect(parked).toMatchObject({ jobId: failed.jobId, kind: 'parked', attemptsMade: 1 });
    expect(parked?.reason).toMatch(
      /no client "nobody" in the config .*fix the job's client id or add the client/,
    );
  });

  /** Date the last unbilled count ten minutes back: the next time sweep may ask Toggl what changed. */
  const countedLongAgo = async () => {
    const counted = await new CursorStore({ redis: w.redis, prefix: PREFIX }).get('toggl', 'unbilled');
    expect(counted).not.toBeNull();
    const earlier = new CursorStore({ redis: w.redis, prefix: PREFIX, now: () => Date.now() - 10 * 60_000 });
    await earlier.set('toggl', 'unbilled', counted!.cursor);
  };
  const searches = (from: number) =>
    w.toggl.server.requests.slice(from).filter((r) => r.path.includes('/search/time_entries'));

  it("time entry events keep the client's unbilled hours current and flag the retainer at 80% and 100%", async () => {
    const thisMonth = Math.max(current.start + 60_000, Date.now() - 6 * 3_600_000);
    const from = w.toggl.server.requests.length;
    const add = async (minutes: number, at: number) => {
      await countedLongAgo();
      const entry = w.toggl.addEntry({
        workspace_id: 4242,
        project_id: 190001,
        description: 'this month',
        start: at,
        stop: at + minutes * 60_000,
        billable: true,
      });
      const seq = w.lastSeq();
      await w.queues.add('event.time-entry', {
        provider: 'toggl',
        eventId: `entry-${entry.id}`,
        action: 'created',
        resourceId: String(entry.id),
        scope: '4242',
        at: null,
        receivedAt: new Date().toISOString(),
      });
      const swept = await w.waitFinished('sweep', (f) => f.value?.subject === 'time-entry', {
        afterSeq: seq,
      });
      expect(swept.value).toMatchObject({ applied: 1, counted: 0 });
      return w.unbilled.get('koala-co');
    };
    expect(await add(60, thisMonth)).toMatchObject({ hours: '1.00', flag: 'ok' });
    expect(await add(45, thisMonth + 61 * 60_000)).toMatchObject({ hours: '1.75', flag: 'near' });
    expect(await add(30, thisMonth + 107 * 60_000)).toMatchObject({ hours: '2.25', flag: 'over' });
    // Counted from the entries Toggl's `since` read carried: no report was read again.
    expect(searches(from)).toEqual([]);
  });

  const sweep = async () => {
    const seq = w.lastSeq();
    await w.queues.add('sweep', { provider: 'toggl', subject: 'time-entry', clientId: null });
    return w.waitFinished('sweep', (f) => f.value?.subject === 'time-entry', { afterSeq: seq });
  };

  it("the time sweep reads what changed in Toggl and applies it to the changed client's entries only", async () => {
    await countedLongAgo();
    const thames = await w.unbilled.get('thames-studio');
    const koala = (await w.unbilled.get('koala-co'))!;
    // An entry of Koala's (its project under Koala's Toggl client) whose webhook never came.
    const at = Math.max(current.start + 60_000, Date.now() - 3 * 3_600_000);
    w.toggl.seedEntries([
      {
        workspace_id: 4242,
        project_id: 190001,
        description: 'missed',
        start: at,
        stop: at + 15 * 60_000,
        billable: true,
      },
    ]);
    const from = w.toggl.server.requests.length;
    const done = await sweep();
    expect(done.value).toMatchObject({ clients: 1, applied: 1, counted: 0, unchanged: 1 });
    const calls = w.toggl.server.requests.slice(from);
    expect(calls.filter((r) => r.path.endsWith('/me/time_entries') && r.query.since)).toHaveLength(1);
    expect(searches(from)).toEqual([]);
    expect((await w.unbilled.get('koala-co'))?.hours).toBe((Number(koala.hours) + 0.25).toFixed(2));
    expect(await w.unbilled.get('thames-studio')).toEqual(thames);
  });

  it('a time sweep sooner than two minutes after the last count reads nothing and leaves one sweep for the mark', async () => {
    const from = w.toggl.server.requests.length;
    const done = await sweep();
    expect(done.value).toMatchObject({ deferred: true, clients: 0 });
    expect(w.toggl.server.requests.length).toBe(from);
    const later = (await w.queues.queue('sweep').getJobs(['delayed'])).filter((j) => !j.repeatJobKey);
    expect(later.map((j) => j.data)).toContainEqual({
      provider: 'toggl',
      subject: 'time-entry',
      clientId: null,
    });
    for (const job of later) await job.remove();
  });
});

describe('Redis lost everything', () => {
  it('after a flush, reconcile rebuilds the mirrors: no duplicate block, no second draft', async () => {
    const blocks = () =>
      blocksOf(w.google)
        .map((b) => b.json.id)
        .sort();
    const before = blocks();
    const drafts = w.xero.invoices(TENANT).length;
    await w.redis.flushall();
    // The grants were in Redis too: the VA connects again (`vahub connect`).
    await w.connect();
    const seq = w.lastSeq();
    await w.queues.add('reconcile', { clientId: null });
    const reconciled = await w.waitFinished('reconcile', () => true, { afterSeq: seq });
    expect(reconciled.outcome).toBe('completed');
    const replan = await w.waitFinished('schedule.replan', () => true, { afterSeq: reconciled.seq });
    expect(replan.value).toMatchObject({ created: 0, deleted: 0 });
    expect(blocks()).toEqual(before);
    const current = periodContaining('month', Date.now(), 'Australia/Sydney');
    const again = w.lastSeq();
    await w.queues
      .queue('invoice.run')
      .add(
        'invoice.run',
        { clientId: 'koala-co', period: 'just-ended', trigger: 'schedule' },
        { timestamp: current.start + 5 * 60_000 },
      );
    const run = await w.waitFinished('invoice.run', () => true, { afterSeq: again, timeoutMs: 30_000 });
    expect(run.outcome).toBe('completed');
    expect(w.xero.invoices(TENANT)).toHaveLength(drafts);
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
