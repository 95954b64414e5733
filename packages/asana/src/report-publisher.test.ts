import type { PublishableReport } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsanaClient } from './client.js';
import { asanaClientSchema } from './config.js';
import { AsanaReportPublisher } from './report-publisher.js';
import { startWorld, type World } from './testing/scenario.js';

let world: World;
let now = Date.parse('2026-12-04T15:00:00Z');

beforeEach(async () => {
  world = await startWorld({ now: () => now });
});
afterEach(async () => {
  await world.fake.stop();
});

function publisherFor(weeklyReport: Record<string, unknown> | undefined): AsanaReportPublisher {
  const [koala, thames] = world.clients;
  if (!koala || !thames) throw new Error('the world has two clients');
  const section = asanaClientSchema.parse({ projects: [world.koala.gid], weeklyReport });
  return new AsanaReportPublisher({
    client: new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, pageSize: 2 }),
    clients: [{ ...koala, section }, thames],
  });
}

const report = (week: string, fields: Partial<PublishableReport> = {}): PublishableReport => ({
  title: `Weekly report ${week} · Koala Co`,
  titleKey: `Weekly report ${week}`,
  text: `HOURS THIS WEEK: 3 h\n• Social media: 3 h`,
  notBefore: '2026-11-29T13:00:00.000Z',
  status: 'on-track',
  ...fields,
});

describe('AsanaReportPublisher', () => {
  it('says where a client’s reports go, and that others wait for the VA', () => {
    const publisher = publisherFor({ post: true });
    expect(publisher.destination('koala-co')).toBe(`status updates of Asana project ${world.koala.gid}`);
    expect(publisher.destination('thames-studio')).toBeNull();
    expect(publisherFor({ post: false }).destination('koala-co')).toBeNull();
    expect(publisherFor({ project: world.thames.gid }).destination('koala-co')).toContain(world.thames.gid);
  });

  it('posts a week’s report once, however often it is asked to', async () => {
    const publisher = publisherFor({ post: true });
    const first = await publisher.publish('koala-co', report('2026-W49', { status: 'at-risk' }));
    now += 3_600_000;
    const again = await publisher.publish('koala-co', report('2026-W49', { text: 'changed since' }));
    const twice = await publisher.publish('koala-co', report('2026-W49'));
    expect(first.outcome).toBe('posted');
    expect([again, twice]).toEqual([
      { id: first.id, url: null, outcome: 'existing' },
      { id: first.id, url: null, outcome: 'existing' },
    ]);
    const posted = world.fake.statusUpdatesOf(world.koala.gid);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      title: 'Weekly report 2026-W49 · Koala Co',
      text: 'HOURS THIS WEEK: 3 h\n• Social media: 3 h',
      statusType: 'at_risk',
      authorGid: world.va.gid,
    });
    // The next week is a report of its own.
    expect((await publisher.publish('koala-co', report('2026-W50'))).outcome).toBe('posted');
    expect(world.fake.statusUpdatesOf(world.koala.gid)).toHaveLength(2);
  });

  it('looks only from the week’s start: a year-old post of the same title is not this week’s', async () => {
    const publisher = publisherFor({ post: true });
    now = Date.parse('2025-12-05T10:00:00Z');
    await publisher.publish('koala-co', report('2026-W49', { notBefore: '2025-01-01T00:00:00.000Z' }));
    now = Date.parse('2026-12-04T15:00:00Z');
    const fresh = await publisher.publish('koala-co', report('2026-W49'));
    expect(fresh.outcome).toBe('posted');
    const listed = world.fake.server.requests.filter(
      (r) => r.path.endsWith('/status_updates') && r.method === 'GET',
    );
    expect(listed.at(-1)?.query.created_since).toBe('2026-11-29T13:00:00.000Z');
  });

  it('finds this week’s report past the first page of updates', async () => {
    const publisher = publisherFor({ post: true });
    for (const week of ['2026-W49', 'A', 'B', 'C', 'D']) await publisher.publish('koala-co', report(week));
    expect(world.fake.statusUpdatesOf(world.koala.gid)).toHaveLength(5);
    expect((await publisher.publish('koala-co', report('D'))).outcome).toBe('existing');
    expect((await publisher.publish('koala-co', report('2026-W49'))).outcome).toBe('existing');
    expect(world.fake.statusUpdatesOf(world.koala.gid)).toHaveLength(5);
  });

  it('posts to the configured project, and refuses a client without the setting, naming the fix', async () => {
    await publisherFor({ project: world.thames.gid }).publish('koala-co', report('2026-W49'));
    expect(world.fake.statusUpdatesOf(world.thames.gid)).toHaveLength(1);
    expect(world.fake.statusUpdatesOf(world.koala.gid)).toHaveLength(0);
    const err = await publisherFor(undefined)
      .publish('koala-co', report('2026-W49'))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation', retryable: false });
    expect((err as Error).message).toContain('add clients[…].asana.weeklyReport: { post: true }');
  });

  it('the fake refuses what Asana refuses: no parent, no text, a goal’s status type on a project', async () => {
    const post = (data: Record<string, unknown>) =>
      fetch(`${world.apiUrl}/status_updates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${world.vaToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data }),
      });
    const base = { parent: world.koala.gid, text: 'x', status_type: 'on_track' };
    expect((await post({ ...base, parent: undefined })).status).toBe(400);
    expect((await post({ ...base, text: undefined })).status).toBe(400);
    expect((await post({ ...base, status_type: 'achieved' })).status).toBe(400);
    expect((await post({ ...base, parent: '1' })).status).toBe(404);
    expect((await post(base)).status).toBe(201);
    const list = await fetch(`${world.apiUrl}/status_updates`, {
      headers: { authorization: `Bearer ${world.vaToken}` },
    });
    expect(list.status).toBe(400);
  });
});
