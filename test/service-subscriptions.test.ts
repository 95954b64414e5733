// Webhook registration by the service itself: the config names the receiver's public URL, and the
// workers make every subscription it implies at start (Asana webhooks per project, a Toggl
// subscription per workspace, a Google push channel), then keep them: a restart or the daily renewal
// keeps what is there, heals what a vendor lost. Real processes, the fakes over HTTP, a private Redis.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KOALA_PROJECT, THAMES_PROJECT } from './support/flows-world.js';
import type { Finished } from './support/job-watch.js';
import { terminate } from './support/service-processes.js';
import { type ServiceWorld, startServiceWorld } from './support/service-world.js';

let w: ServiceWorld;
let publicUrl = '';
let atStart: Finished;

interface Outcome {
  provider: string;
  created: number;
  kept: number;
  removed: number;
  manual?: string;
}
const byProvider = (f: Finished) =>
  Object.fromEntries(((f.value?.connectors ?? []) as Outcome[]).map((o) => [o.provider, o]));

beforeAll(async () => {
  w = await startServiceWorld({ workers: 1, publicUrl: true });
  publicUrl = w.config.webhooks.publicUrl ?? '';
  atStart = await w.waitFinished('channels.renew', () => true, { timeoutMs: 30_000 });
}, 150_000);
afterAll(async () => {
  await w?.stop();
}, 30_000);

const asanaTargets = () => [...w.asana.webhooks.values()].map((h) => [h.resource.gid, h.target] as const);
const togglSubs = () => [...w.toggl.webhooks.subs.values()];
const liveChannels = () => [...w.google.channels.channels.values()].filter((c) => !c.stopped);

describe('webhook registration by the worker', () => {
  it('at start: a webhook per Asana project, a Toggl subscription, a Google channel, all at the public URL', async () => {
    expect(publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(atStart.outcome).toBe('completed');
    const outcomes = byProvider(atStart);
    expect(outcomes.asana).toMatchObject({ created: 2, kept: 0, removed: 0 });
    expect(outcomes.toggl).toMatchObject({ created: 1, kept: 0, removed: 0 });
    expect(outcomes.google).toMatchObject({ created: 1, kept: 0, removed: 0 });
    expect(outcomes.xero?.manual).toContain(`${publicUrl}/webhooks/xero`);

    expect(
      asanaTargets()
        .map(([project]) => project)
        .sort(),
    ).toEqual([KOALA_PROJECT, THAMES_PROJECT].sort());
    for (const [, target] of asanaTargets())
      expect(target.startsWith(`${publicUrl}/webhooks/asana/`)).toBe(true);
    const [sub, ...moreSubs] = togglSubs();
    expect(moreSubs).toEqual([]);
    expect(sub?.url_callback.startsWith(`${publicUrl}/webhooks/toggl/`)).toBe(true);
    await w.toggl.webhooks.idle();
    expect(sub?.validated_at).not.toBeNull();
    expect(liveChannels().map((c) => c.address)).toEqual([`${publicUrl}/webhooks/google`]);
  });

  it('the registrations deliver: an Asana task, a Toggl entry and a calendar change each become a job', async () => {
    const seq = w.lastSeq();
    const task = w.asana.createTask({ name: 'Book the venue', projects: [KOALA_PROJECT], assignee: w.vaGid });
    const event = await w.waitFinished('event.task', (f) => f.value?.taskId === task.gid, { afterSeq: seq });
    expect(event.outcome).toBe('completed');

    w.toggl.addEntry({
      workspace_id: 4242,
      project_id: 190101,
      start: Date.now() - 3_600_000,
      stop: Date.now() - 1_800_000,
    });
    expect((await w.waitFinished('event.time-entry', () => true, { afterSeq: seq })).outcome).toBe(
      'completed',
    );

    w.google.seedEvent('primary', {
      summary: 'Dentist',
      start: { dateTime: new Date(Date.now() + 86_400_000).toISOString(), timeZone: 'UTC' },
      end: { dateTime: new Date(Date.now() + 90_000_000).toISOString(), timeZone: 'UTC' },
    });
    expect((await w.waitFinished('event.calendar', () => true, { afterSeq: seq })).outcome).toBe('completed');
    // The notification asks for a calendar sync (a sweep of the busy time), which runs.
    const sync = await w.waitFinished('sweep', (f) => f.value?.subject === 'calendar', { afterSeq: seq });
    expect(sync.outcome).toBe('completed');
  });

  it('a burst of calendar notifications is one or two reads of the calendar, not one per notification', async () => {
    const seq = w.lastSeq();
    const BURST = 8;
    const tomorrow = Date.now() + 86_400_000;
    for (let i = 0; i < BURST; i++) {
      w.google.seedEvent('primary', {
        summary: `Call ${i}`,
        start: { dateTime: new Date(tomorrow + i * 3_600_000).toISOString(), timeZone: 'UTC' },
        end: { dateTime: new Date(tomorrow + i * 3_600_000 + 900_000).toISOString(), timeZone: 'UTC' },
      });
    }
    // Each notification is a job of its own (the receiver dedupes by message, not by calendar)...
    let last = seq;
    for (let i = 0; i < BURST; i++) {
      const event = await w.waitFinished('event.calendar', () => true, { afterSeq: last });
      expect(event.outcome).toBe('completed');
      last = event.seq;
    }
    // ...and they ask for one calendar sync: the first runs 100 ms after the first ask, the rest
    // join it or leave one follow-up after the window. Wait for each sync while one is still owed.
    // (The every-15-minutes calendar sweep waits there too, from its scheduler: not one of these.)
    const owed = async () =>
      (await w.queues.queue('sweep').getJobs(['waiting', 'delayed', 'active'])).some(
        (j) => (j.data as { subject?: string }).subject === 'calendar' && !j.repeatJobKey,
      );
    const syncs: Finished[] = [];
    do {
      const sync = await w.waitFinished('sweep', (f) => f.value?.subject === 'calendar', {
        afterSeq: syncs.at(-1)?.seq ?? seq,
      });
      expect(sync.outcome).toBe('completed');
      syncs.push(sync);
    } while (syncs.length < BURST && (await owed()));
    expect(syncs.length).toBeGreaterThanOrEqual(1);
    expect(syncs.length).toBeLessThanOrEqual(2);
  });

  it('a second worker starting keeps everything: no duplicate at any vendor', async () => {
    const seq = w.lastSeq();
    const before = {
      asana: asanaTargets(),
      toggl: togglSubs().map((s) => s.subscription_id),
      google: liveChannels(),
    };
    const second = await w.startWorker();
    const renewal = await w.waitFinished('channels.renew', () => true, { afterSeq: seq, timeoutMs: 30_000 });
    expect(renewal.outcome).toBe('completed');
    const outcomes = byProvider(renewal);
    expect(outcomes.asana).toMatchObject({ created: 0, kept: 2, removed: 0 });
    expect(outcomes.toggl).toMatchObject({ created: 0, kept: 1, removed: 0 });
    expect(outcomes.google).toMatchObject({ created: 0, kept: 1, removed: 0 });
    expect(asanaTargets()).toEqual(before.asana);
    expect(togglSubs().map((s) => s.subscription_id)).toEqual(before.toggl);
    expect(liveChannels().map((c) => c.id)).toEqual(before.google.map((c) => c.id));
    expect(await terminate(second)).toBe(0);
  });

  it('the renewal heals: a webhook deleted at Asana and a Toggl subscription deleted are made again', async () => {
    const [lostHook] = [...w.asana.webhooks.keys()];
    w.asana.webhooks.delete(lostHook ?? '');
    w.toggl.webhooks.subs.clear();
    const seq = w.lastSeq();
    await w.queues.add('channels.renew', { provider: 'all' });
    const renewal = await w.waitFinished('channels.renew', () => true, { afterSeq: seq });
    expect(renewal.outcome).toBe('completed');
    const outcomes = byProvider(renewal);
    expect(outcomes.asana).toMatchObject({ created: 1, kept: 1, removed: 1 });
    expect(outcomes.toggl).toMatchObject({ created: 1, kept: 0, removed: 1 });
    expect(outcomes.google).toMatchObject({ created: 0, kept: 1 });
    expect(
      asanaTargets()
        .map(([project]) => project)
        .sort(),
    ).toEqual([KOALA_PROJECT, THAMES_PROJECT].sort());
    expect(togglSubs()).toHaveLength(1);
  });
});
