// The always-on service end to end, time to draft invoices, and Redis losing everything: the world of
// service-tasks.test.ts (a private Redis, the four fakes over HTTP, the webhook receiver, one worker
// and the planner as separate processes). What is asserted is what the fakes end up holding.

import { periodContaining, Temporal } from '@vahub/core';
import { CursorStore, listFailedJobs } from '@vahub/jobs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KOALA_CONTACT, TENANT, THAMES_PROJECT } from './support/flows-world.js';
import { DAY, dateIn, replanWaits, withWorkerWorld } from './support/service-worker-world.js';
import { addTimeEntryEvent, blocksOf, PREFIX, type ServiceWorld } from './support/service-world.js';

let w: ServiceWorld;
withWorkerWorld((world) => {
  w = world;
});
const { settled } = replanWaits(() => w);

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
      await addTimeEntryEvent(w.queues, entry.id, `entry-${entry.id}`);
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
  // The drafts are the tests' above; the blocks, a task booked here (where the tasks tests ran in the
  // same world, they were theirs), so that the flush has blocks to keep.
  beforeAll(async () => {
    const seq = w.lastSeq();
    const { gid } = w.asana.createTask({
      name: 'Update the portfolio',
      projects: [THAMES_PROJECT],
      assignee: w.vaGid,
      dueOn: dateIn('Europe/London', 6),
      customFields: { [w.estimateGid]: 60 },
    });
    await settled(gid, seq);
    expect(blocksOf(w.google, gid).length).toBeGreaterThan(0);
  }, 30_000);

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
