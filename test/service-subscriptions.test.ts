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
