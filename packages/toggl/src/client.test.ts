import { isReconnectRequired } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { buildToggl, clientYaml, parseTogglConfig } from './test-support/build.js';
import { FakeToggl, seedScenario, type TogglScenario } from './testing/index.js';

const NOV = Date.parse('2026-11-02T09:00:00Z');
const HOUR = 3_600_000;

describe('TogglClient against the fake over HTTP', () => {
  let fake: FakeToggl;
  let s: TogglScenario;
  let client: TogglClient;

  beforeEach(async () => {
    fake = new FakeToggl({ now: () => NOV + 40 * 86_400_000 });
    await fake.start();
    s = seedScenario(fake);
    client = new TogglClient({ apiToken: fake.apiToken, endpoints: fake.endpoints() });
  });
  afterEach(() => fake.stop());

  it('authenticates with Basic base64("<token>:api_token") and names itself', async () => {
    await client.me();
    const [req] = fake.requestsTo('GET', '/api/v9/me');
    const expected = `Basic ${Buffer.from(`${fake.apiToken}:api_token`).toString('base64')}`;
    expect(req?.headers.authorization).toBe(expected);
    expect(req?.headers['user-agent']).toBe('vahub');
  });

  it('reads the user and keeps no token from /me', async () => {
    const me = await client.me();
    expect(me).toEqual({
      id: '1',
      email: 'va@example.com',
      fullname: 'Vera Assistant',
      timezone: 'UTC',
      defaultWorkspaceId: String(s.workspace.id),
    });
    expect(JSON.stringify(me)).not.toContain(fake.apiToken);
  });

  it('lists workspaces, clients, projects with their client, and tasks', async () => {
    const [ws] = await client.workspaces();
    expect(ws).toMatchObject({ id: String(s.workspace.id), name: 'Vera VA', defaultCurrency: 'AUD' });

    const clients = await client.clients(String(s.workspace.id));
    expect(clients.map((c) => c.name).sort()).toEqual(['Koala Co Pty Ltd', 'Wombat Works']);

    const projects = await client.projects(String(s.workspace.id));
    const site = projects.find((p) => p.id === String(s.koalaSite.id));
    expect(site).toMatchObject({ clientId: String(s.koala.id), name: 'Koala website', rate: 70 });
    expect(projects.find((p) => p.id === String(s.internal.id))?.clientId).toBeNull();

    const tasks = await client.tasks(String(s.workspace.id), String(s.koalaSite.id));
    expect(tasks).toEqual([
      {
        id: String(s.koalaSiteTask.id),
        projectId: String(s.koalaSite.id),
        workspaceId: String(s.workspace.id),
        name: 'Landing page copy',
        active: true,
        estimatedSeconds: 7200,
      },
    ]);
  });

  it('lists every project of a workspace, archived ones too, page by page (Toggl answers 200 at most)', async () => {
    const wid = s.workspace.id;
    const seeded = (await client.projects(String(wid))).length;
    const archived = fake.addProject(wid, { name: 'Old retainer', active: false });
    for (let i = 0; i < 420; i++) fake.addProject(wid, { name: `Project ${i}` });
    const before = fake.requestsTo('GET', /\/projects$/).length;
    const projects = await client.projects(String(wid));
    expect(projects).toHaveLength(seeded + 421);
    expect(new Set(projects.map((p) => p.id)).size).toBe(projects.length);
    expect(projects.find((p) => p.id === String(archived.id))).toMatchObject({
      name: 'Old retainer',
      active: false,
    });
    const pages = fake.requestsTo('GET', /\/projects$/).slice(before);
    expect(pages.map((r) => r.query.page)).toEqual(['1', '2', '3']);
    expect(pages.every((r) => r.query.per_page === '200' && r.query.active === 'both')).toBe(true);
  });

  it('lists time entries of a range, recognising a running one by its negative duration', async () => {
    const wid = s.workspace.id;
    const done = fake.seedEntries([
      {
        workspace_id: wid,
        project_id: s.koalaSite.id,
        task_id: s.koalaSiteTask.id,
        start: NOV,
        description: 'copy',
        tags: ['draft'],
      },
    ])[0];
    fake.seedEntries([{ workspace_id: wid, project_id: s.wombatApp.id, start: NOV + 2 * HOUR, stop: null }]);
    fake.seedEntries([{ workspace_id: wid, start: NOV + 40 * 86_400_000 }]); // outside the range

    const entries = await client.timeEntries({ start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' });
    expect(entries).toHaveLength(2);
    const finished = entries.find((e) => e.id === String(done?.id));
    expect(finished).toEqual({
      id: String(done?.id),
      workspaceId: String(wid),
      projectId: String(s.koalaSite.id),
      taskId: String(s.koalaSiteTask.id),
      description: 'copy',
      start: '2026-11-02T09:00:00.000Z',
      stop: '2026-11-02T10:00:00.000Z',
      durationSeconds: 3600,
      billable: true,
      tags: ['draft'],
      // Toggl's `at` (seconds), what the incremental unbilled count orders versions by.
      updatedAt: new Date(Math.floor((done?.at ?? 0) / 1000) * 1000).toISOString(),
    });
    const running = entries.find((e) => e.id !== String(done?.id));
    expect(running?.durationSeconds).toBeLessThan(0);
    expect(running?.stop).toBeNull();
  });

  it('reads entries modified since a time, a deleted one included and flagged', async () => {
    const wid = s.workspace.id;
    let clock = NOV + 30 * 86_400_000;
    fake.now = () => clock;
    const [old, kept, gone] = fake.seedEntries([
      { workspace_id: wid, start: NOV },
      { workspace_id: wid, start: NOV + HOUR },
      { workspace_id: wid, start: NOV + 2 * HOUR },
    ]);
    clock += 60_000;
    const cursor = clock;
    clock += 60_000;
    fake.updateEntry(kept?.id ?? 0, { description: 'edited' });
    fake.deleteEntry(gone?.id ?? 0);

    const changed = await client.timeEntriesSince(cursor);
    const [req] = fake.requestsTo('GET', '/api/v9/me/time_entries');
    expect(req?.query.since).toBe(String(Math.floor(cursor / 1000)));
    expect(changed.map((e) => e.id).sort()).toEqual([String(kept?.id), String(gone?.id)].sort());
    expect(changed.find((e) => e.id === String(gone?.id))?.deleted).toBe(true);
    expect(changed.find((e) => e.id === String(kept?.id))?.deleted).toBeUndefined();
    expect(changed.some((e) => e.id === String(old?.id))).toBe(false);
  });

  it('turns a refused token into a reconnect-required error', async () => {
    const wrong = new TogglClient({ apiToken: 'not-the-right-token-123', endpoints: fake.endpoints() });
    const err = await wrong.me().catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    expect((err as Error).message).toContain('toggl getMe failed (HTTP 401)');
  });

  it('refuses a workspace the token cannot see with a clear error', async () => {
    const err = await client.clients('999').catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'ConnectorError',
      status: 403,
      code: 'failed',
      operation: 'listClients',
    });
  });

  it('reports a vendor answer of the wrong shape as unexpected_response, naming the field', async () => {
    // Core's policy: a shapeless answer is retryable (the next one may be whole), so it is tried 4 times.
    fake.server.faults.next({ status: 200, json: [{ id: 'not-a-number', name: 'x' }], times: 4 });
    const patient = new TogglClient({
      apiToken: fake.apiToken,
      endpoints: fake.endpoints(),
      retry: { sleep: async () => undefined },
    });
    const err = await patient.workspaces().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unexpected_response', retryable: true });
    expect((err as { details: string[] }).details[0]).toMatch(/^0\.id: /);
    expect(fake.requestsTo('GET', '/api/v9/me/workspaces')).toHaveLength(4);
  });

  it('takes its token and endpoints from the config', async () => {
    const config = parseTogglConfig(clientYaml('koala', `{ workspaceId: ${s.workspace.id}, clientId: 1 }`), {
      ...fake.env(),
    });
    const toggl = buildToggl(config);
    const names = await toggl.ports.time.names('koala');
    expect(names.projects).toMatchObject({ [String(s.koalaSite.id)]: 'Koala website' });
    const [req] = fake.requestsTo('GET', `/api/v9/workspaces/${s.workspace.id}/projects`);
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fake.apiToken}:api_token`).toString('base64')}`,
    );
  });
});
