import type { TimeQuery, TimeSource } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { isRunning, timeTotals } from './mappers.js';
import { buildToggl, clientYaml, parseTogglConfig } from './test-support/build.js';
import { FakeToggl, seedScenario, type TogglScenario } from './testing/index.js';

const NOV = Date.parse('2026-11-01T00:00:00Z');
const DEC = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;
const PATCH_PATH = /^\/api\/v9\/workspaces\/\d+\/time_entries\/[\d,]+$/;

describe('TogglTimeSource', () => {
  let fake: FakeToggl;
  let s: TogglScenario;
  let client: TogglClient;
  let source: TimeSource;
  let month: TimeQuery;
  let wid: number;

  beforeEach(async () => {
    fake = new FakeToggl();
    await fake.start();
    s = seedScenario(fake);
    wid = s.workspace.id;
    client = new TogglClient({ apiToken: fake.apiToken, endpoints: fake.endpoints() });
    // vahub's clients, in vahub's ids: the connector alone knows what stands behind each at Toggl.
    const config = parseTogglConfig(
      [
        clientYaml('koala-co', `{ workspaceId: ${wid}, clientId: ${s.koala.id} }`, 'task'),
        clientYaml('koala-admin', `{ workspaceId: ${wid}, projectIds: [${s.koalaAdmin.id}] }`),
        clientYaml(
          'wombat',
          `{ workspaceId: ${wid}, clientId: ${s.wombat.id}, projectIds: [${s.internal.id}] }`,
        ),
      ].join(''),
      fake.env(),
    );
    source = buildToggl(config).ports.time;
    month = { clientId: 'koala-co', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };
  });
  afterEach(() => fake.stop());

  const seedKoala = (n: number) =>
    fake.seedEntries(
      Array.from({ length: n }, (_, i) => ({
        workspace_id: wid,
        project_id: i % 2 === 0 ? s.koalaSite.id : s.koalaAdmin.id,
        start: NOV + i * 6 * HOUR,
        stop: NOV + i * 6 * HOUR + HOUR,
      })),
    );

  it("costs one request for a month of a client's time that fits a page, whatever the number of entries", async () => {
    // The bound: ceil(entries / page size) Reports requests and nothing else; 1 up to 50 entries.
    const counts: number[] = [];
    let seeded = 0;
    for (const total of [1, 17, 50]) {
      seedKoala(total - seeded);
      seeded = total;
      const before = fake.requests.length;
      const entries = await source.listTimeEntries(month);
      expect(entries).toHaveLength(total);
      counts.push(fake.requests.length - before);
    }
    expect(counts).toEqual([1, 1, 1]);

    seedKoala(70); // 120 in all: three pages of 50
    const before = fake.requests.length;
    expect(await source.listTimeEntries(month)).toHaveLength(120);
    expect(fake.requests.length - before).toBe(3);
  });

  it('reads the entries changed since an instant, each with its clients, in one read and the project list', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const at = (project: number | null) => ({
      workspace_id: wid,
      project_id: project,
      start: NOV,
      stop: NOV + HOUR,
    });
    const clientsOf = async () => {
      const changes = await source.changesSince?.(since);
      if (!changes) return changes;
      return changes.map((c) => (c.clientIds === null ? null : c.clientIds.join('+'))).sort();
    };
    const from = fake.server.requests.length;
    expect(await clientsOf()).toEqual([]);
    fake.seedEntries([at(s.internal.id), at(null)]);
    // Time on no project is no client's.
    expect(await clientsOf()).toEqual(['', 'wombat']);
    // Koala's website project is Koala's by its Toggl client; the admin project also by its listing.
    const [site] = fake.seedEntries([at(s.koalaSite.id)]);
    expect(await clientsOf()).toEqual(['', 'koala-co', 'wombat']);
    const changes = (await source.changesSince?.(since)) ?? [];
    const koala = changes.find((c) => c.entry.id === String(site?.id));
    expect(koala?.entry).toMatchObject({ projectId: String(s.koalaSite.id), durationSeconds: 3600 });
    expect(koala?.entry.updatedAt).toMatch(/Z$/);
    expect(koala?.workspaceClients.sort()).toEqual(['koala-admin', 'koala-co', 'wombat']);
    const reads = fake.server.requests.slice(from).map((r) => r.path.replace(/\d+/g, ':id'));
    expect(reads.filter((p) => p.endsWith('/me/time_entries'))).toHaveLength(4);
    expect(reads.filter((p) => p.endsWith('/projects'))).toHaveLength(1);
    // A project Toggl's list does not have: that entry's clients cannot be told.
    fake.seedEntries([at(987_654)]);
    expect(await clientsOf()).toEqual(['', 'koala-co', null, 'wombat']);
    // Older than Toggl keeps changes: null, without a call.
    const before = fake.server.requests.length;
    expect(await source.changesSince?.('2026-01-01T00:00:00Z')).toBeNull();
    expect(fake.server.requests.length).toBe(before);
  });

  it("keeps to the client's projects, or to the given projects", async () => {
    fake.seedEntries([
      { workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV + HOUR },
      { workspace_id: s.workspace.id, project_id: s.koalaAdmin.id, start: NOV + 2 * HOUR },
      { workspace_id: s.workspace.id, project_id: s.wombatApp.id, start: NOV + 3 * HOUR },
      { workspace_id: s.workspace.id, project_id: s.internal.id, start: NOV + 4 * HOUR },
      { workspace_id: s.workspace.id, project_id: null, start: NOV + 5 * HOUR },
    ]);
    const byClient = await source.listTimeEntries(month);
    expect(byClient.map((e) => e.projectId)).toEqual([String(s.koalaSite.id), String(s.koalaAdmin.id)]);

    const byProject = await source.listTimeEntries({ ...month, clientId: 'koala-admin' });
    expect(byProject.map((e) => e.projectId)).toEqual([String(s.koalaAdmin.id)]);
  });

  it('counts time of either the Toggl client or the listed projects when both are configured', async () => {
    const [app, internal] = fake.seedEntries([
      { workspace_id: wid, project_id: s.wombatApp.id, start: NOV + HOUR },
      { workspace_id: wid, project_id: s.internal.id, start: NOV + 2 * HOUR },
      { workspace_id: wid, project_id: s.koalaSite.id, start: NOV + 3 * HOUR },
    ]);
    const entries = await source.listTimeEntries({ ...month, clientId: 'wombat' });
    expect(entries.map((e) => e.id)).toEqual([String(app?.id), String(internal?.id)]);
    // Toggl ANDs its filters, so that is two searches, one per filter.
    const searches = fake.requestsTo('POST', /\/search\/time_entries$/).map((r) => r.json);
    expect(searches).toMatchObject([{ client_ids: [s.wombat.id] }, { project_ids: [s.internal.id] }]);
  });

  it('refuses a client it has no section for, naming it, without calling Toggl', async () => {
    const err = await source.listTimeEntries({ ...month, clientId: 'nobody' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation', retryable: false, operation: 'listTimeEntries' });
    expect((err as Error).message).toContain('client "nobody" has no toggl section');
    await expect(source.tagEntries('nobody', ['1'], 'invoiced')).rejects.toMatchObject({
      code: 'validation',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('names the projects of the workspace and, for a client billed per task, its tasks, reading each list once', async () => {
    // Archived: named (an entry on it is still billed), but its tasks cost no request.
    const retired = fake.addProject(wid, {
      client_id: s.koala.id,
      name: 'Koala 2025 retainer',
      active: false,
    });
    const koala = await source.names('koala-co');
    expect(koala.projects).toMatchObject({
      [String(s.koalaSite.id)]: 'Koala website',
      [String(s.wombatApp.id)]: 'Wombat app',
      [String(retired.id)]: 'Koala 2025 retainer',
    });
    expect(koala.tasks).toEqual({ [String(s.koalaSiteTask.id)]: 'Landing page copy' });
    const admin = await source.names('koala-admin');
    expect(admin.projects).toEqual(koala.projects);
    expect(admin.tasks).toEqual({});
    // One projects list for the workspace and one tasks list per active Koala project, shared by both clients.
    expect(fake.requestsTo('GET', `/api/v9/workspaces/${wid}/projects`)).toHaveLength(1);
    expect(fake.requestsTo('GET', /\/projects\/\d+\/tasks$/)).toHaveLength(2);
  });

  it('names the tasks of a client billed per project when asked (a report of hours per task)', async () => {
    const plain = await source.names('koala-admin');
    expect(plain.tasks).toEqual({});
    const before = fake.requestsTo('GET', /\/projects\/\d+\/tasks$/).length;
    const withTasks = await source.names('koala-admin', { tasks: true });
    expect(withTasks.projects).toEqual(plain.projects);
    // koala-admin's one project has no tasks: the list is read, and it is empty.
    expect(withTasks.tasks).toEqual({});
    expect(fake.requestsTo('GET', /\/projects\/\d+\/tasks$/).length).toBe(before + 1);
    const koala = await source.names('koala-co', { tasks: true });
    expect(koala.tasks).toEqual({ [String(s.koalaSiteTask.id)]: 'Landing page copy' });
  });

  it.each([600, -480, 0])(
    'cuts at the exact instants whatever the profile zone (offset %i min)',
    async (offset) => {
      fake.reports.profileOffsetMinutes = offset;
      const [before, first, last, after] = fake.seedEntries(
        [NOV - 1000, NOV, DEC - 1000, DEC].map((start) => ({
          workspace_id: s.workspace.id,
          project_id: s.koalaSite.id,
          start,
          stop: start + 500,
        })),
      );
      const ids = (await source.listTimeEntries(month)).map((e) => e.id);
      expect(ids).toEqual([String(first?.id), String(last?.id)]);
      expect(ids).not.toContain(String(before?.id));
      expect(ids).not.toContain(String(after?.id));
    },
  );

  it('returns a running entry recognised as running, and keeps it out of the billable total', async () => {
    const [, , running] = fake.seedEntries([
      { workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV + HOUR, stop: NOV + 2 * HOUR },
      {
        workspace_id: s.workspace.id,
        project_id: s.koalaSite.id,
        start: NOV + 3 * HOUR,
        stop: NOV + 3.5 * HOUR,
      },
      { workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV + 5 * HOUR, stop: null },
    ]);
    const listed = await source.listTimeEntries(month);
    expect(listed).toHaveLength(3);
    const ticking = listed.find((e) => e.id === String(running?.id));
    expect(ticking && isRunning(ticking)).toBe(true);
    expect(ticking?.durationSeconds).toBeLessThan(0);
    expect(ticking?.stop).toBeNull();
    expect(timeTotals(listed)).toEqual({
      billableSeconds: 5400,
      nonBillableSeconds: 0,
      running: 1,
      deleted: 0,
    });

    // The v9 range read recognises it the same way.
    const raw = await client.timeEntries({ start: month.start, end: month.end });
    expect(raw).toHaveLength(3);
    expect(timeTotals(raw)).toEqual({ billableSeconds: 5400, nonBillableSeconds: 0, running: 1, deleted: 0 });
  });

  it('tags 250 entries in 3 requests of at most 100 ids, and untags them', async () => {
    const entries = seedKoala(250);
    fake.updateEntry(entries[0]?.id ?? 0, { tags: ['meeting'] });
    const ids = entries.map((e) => String(e.id));

    await source.tagEntries('koala-co', ids, 'invoiced');
    const patches = fake.requestsTo('PATCH', PATCH_PATH);
    expect(patches).toHaveLength(3);
    expect(patches.map((p) => p.path.split('/').pop()?.split(',').length)).toEqual([100, 100, 50]);
    expect(patches[0]?.json).toEqual([{ op: 'add', path: '/tags', value: ['invoiced'] }]);
    const stored = entries.map((e) => fake.store.entries.get(e.id));
    expect(stored.every((e) => e?.tags.includes('invoiced'))).toBe(true);
    expect(stored[0]?.tags).toEqual(['meeting', 'invoiced']);

    await source.untagEntries('koala-co', ids, 'invoiced');
    expect(fake.requestsTo('PATCH', PATCH_PATH)).toHaveLength(6);
    expect(fake.requestsTo('PATCH', PATCH_PATH)[5]?.json).toEqual([
      { op: 'remove', path: '/tags', value: ['invoiced'] },
    ]);
    expect(entries.some((e) => fake.store.entries.get(e.id)?.tags.includes('invoiced'))).toBe(false);
    expect(fake.store.entries.get(entries[0]?.id ?? 0)?.tags).toEqual(['meeting']);
  });

  it('tags the rest and says which entries failed when some are gone', async () => {
    const [a, b, c] = seedKoala(3);
    fake.deleteEntry(b?.id ?? 0);
    const err = await source
      .tagEntries(
        'koala-co',
        [a, b, c].map((e) => String(e?.id)),
        'invoiced',
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ConnectorError', operation: 'tagEntries', code: 'failed' });
    expect((err as { details: string[] }).details).toEqual([`${b?.id}: Time entry not found`]);
    expect(fake.store.entries.get(a?.id ?? 0)?.tags).toEqual(['invoiced']);
    expect(fake.store.entries.get(c?.id ?? 0)?.tags).toEqual(['invoiced']);
  });

  it('refuses ids that are not Toggl ids and sends nothing for an empty list', async () => {
    await source.tagEntries('koala-co', [], 'invoiced');
    const err = await source.tagEntries('koala-co', ['12', '1,2'], 'invoiced').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation' });
    expect(fake.requests).toHaveLength(0);
  });
});
