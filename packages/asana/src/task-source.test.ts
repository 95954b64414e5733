import { AmbiguousClientError, ConfigError } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsanaClient } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { AsanaTaskSource, type TaskProblem } from './task-source.js';
import { clientConfig, startWorld, type World } from './testing/scenario.js';

let world: World;
let source: AsanaTaskSource;
let problems: TaskProblem[];

beforeEach(async () => {
  world = await startWorld();
  problems = [];
  source = new AsanaTaskSource({
    client: new AsanaClient({
      token: world.vaToken,
      baseUrl: world.apiUrl,
      retry: { sleep: async () => undefined },
    }),
    clients: world.clients,
    onProblem: (p) => problems.push(p),
  });
});
afterEach(async () => {
  await world.fake.stop();
});

describe('getTask', () => {
  it('maps an assigned task of a client to core Task', async () => {
    const t = world.fake.createTask({
      name: 'Quarterly report',
      projects: [world.koala.gid],
      assignee: world.va.gid,
      dueOn: '2026-12-24',
      startAt: '2026-12-20T09:30:00+11:00',
      customFields: { [world.estimate.gid]: 150 },
    });
    const task = await source.getTask(t.gid);
    expect(task).toEqual({
      id: t.gid,
      clientId: 'koala-co',
      name: 'Quarterly report',
      url: expect.stringContaining(t.gid),
      status: 'open',
      estimateMinutes: 150,
      trackedMinutes: null,
      due: { kind: 'date', date: '2026-12-24' },
      startOn: { kind: 'instant', at: '2026-12-19T22:30:00.000Z' },
      priority: { urgent: false, important: false },
      modifiedAt: t.modifiedAt,
    });
  });

  it('due_at is an instant; no estimate value falls back to the client default', async () => {
    const t = world.fake.createTask({
      name: 'Call prep',
      projects: [world.thames.gid],
      assignee: world.va.gid,
      dueAt: '2026-12-03T15:00:00.000Z',
      customFields: { [world.estimate.gid]: null },
    });
    expect(await source.getTask(t.gid)).toMatchObject({
      clientId: 'thames-studio',
      due: { kind: 'instant', at: '2026-12-03T15:00:00.000Z' },
      estimateMinutes: 45,
    });
  });

  it('status: completed, unassigned (someone else or nobody), and deleted → null', async () => {
    const done = world.fake.createTask({
      name: 'a',
      projects: [world.koala.gid],
      assignee: world.va.gid,
      completed: true,
    });
    const theirs = world.fake.createTask({
      name: 'b',
      projects: [world.koala.gid],
      assignee: world.colleague.gid,
    });
    const nobody = world.fake.createTask({ name: 'c', projects: [world.koala.gid] });
    const gone = world.fake.createTask({ name: 'd', projects: [world.koala.gid], assignee: world.va.gid });
    world.fake.deleteTask(gone.gid);
    expect((await source.getTask(done.gid))?.status).toBe('completed');
    expect((await source.getTask(theirs.gid))?.status).toBe('unassigned');
    expect((await source.getTask(nobody.gid))?.status).toBe('unassigned');
    expect(await source.getTask(gone.gid)).toBeNull();
  });

  it('asks /users/me once for the VA, however many tasks it reads', async () => {
    const t = world.fake.createTask({ name: 'a', projects: [world.koala.gid], assignee: world.va.gid });
    await Promise.all([source.getTask(t.gid), source.getTask(t.gid), source.getTask(t.gid)]);
    expect(world.fake.server.requestsTo('GET', '/api/1.0/users/me')).toHaveLength(1);
  });

  it('a task in two clients’ projects is core’s AmbiguousClientError, never a guess', async () => {
    const t = world.fake.createTask({
      name: 'shared',
      projects: [world.koala.gid, world.thames.gid],
      assignee: world.va.gid,
    });
    const err = await source.getTask(t.gid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousClientError);
    expect(err).toMatchObject({
      provider: 'asana',
      operation: 'getTask',
      clientIds: ['koala-co', 'thames-studio'],
      retryable: false,
      code: 'conflict',
    });
    expect((err as Error).message).toContain(`task ${t.gid}`);
  });

  it('a task in no configured project is nothing for vahub: null', async () => {
    const elsewhere = world.fake.addProject({ name: 'Personal' });
    const t = world.fake.createTask({ name: 'groceries', projects: [elsewhere.gid], assignee: world.va.gid });
    expect(await source.getTask(t.gid)).toBeNull();
  });
});

describe('listOpenTasks', () => {
  it('lists incomplete tasks of the client’s project, leaves out and reports ambiguous ones', async () => {
    const a = world.fake.createTask({ name: 'a', projects: [world.koala.gid], assignee: world.va.gid });
    world.fake.createTask({
      name: 'done',
      projects: [world.koala.gid],
      assignee: world.va.gid,
      completed: true,
    });
    const shared = world.fake.createTask({ name: 'shared', projects: [world.koala.gid, world.thames.gid] });
    const b = world.fake.createTask({
      name: 'b',
      projects: [world.koala.gid],
      assignee: world.colleague.gid,
    });
    const tasks = await source.listOpenTasks('koala-co');
    expect(tasks.map((t) => [t.id, t.status])).toEqual([
      [a.gid, 'open'],
      [b.gid, 'unassigned'],
    ]);
    expect(problems).toEqual([
      {
        kind: 'ambiguous_client',
        taskId: shared.gid,
        clientIds: ['koala-co', 'thames-studio'],
        projectId: world.koala.gid,
      },
    ]);
  });

  it('a client without Asana projects has no tasks, and nothing is asked of Asana', async () => {
    world.fake.createTask({ name: 'a', projects: [world.koala.gid], assignee: world.va.gid });
    expect(await source.listOpenTasks('hudson-legal')).toEqual([]);
    expect(await source.readChanges('hudson-legal', null)).toEqual({
      changes: [],
      cursor: encodeCursor({}),
      resyncNeeded: false,
    });
    expect(world.fake.server.requests).toEqual([]);
  });

  it('lists every project of the client, each task once', async () => {
    const extra = world.fake.addProject({ name: 'Koala Co — events' });
    const twoProjects = new AsanaTaskSource({
      client: new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl }),
      clients: [
        clientConfig({ id: 'koala-co', projects: [world.koala.gid, extra.gid] }),
        ...world.clients.slice(1),
      ],
    });
    const a = world.fake.createTask({ name: 'a', projects: [world.koala.gid], assignee: world.va.gid });
    const b = world.fake.createTask({ name: 'b', projects: [extra.gid], assignee: world.va.gid });
    const both = world.fake.createTask({ name: 'both', projects: [world.koala.gid, extra.gid] });
    world.fake.createTask({ name: 'theirs', projects: [world.thames.gid] });
    const tasks = await twoProjects.listOpenTasks('koala-co');
    expect(tasks.map((t) => [t.name, t.clientId]).sort()).toEqual([
      ['a', 'koala-co'],
      ['b', 'koala-co'],
      ['both', 'koala-co'],
    ]);
    expect(new Set(tasks.map((t) => t.id))).toEqual(new Set([a.gid, b.gid, both.gid]));
  });
});

describe('readChanges', () => {
  it('first read: a cursor and resyncNeeded; then the changes since, in order', async () => {
    const first = await source.readChanges('koala-co', null);
    expect(first).toEqual({ changes: [], cursor: expect.any(String), resyncNeeded: true });
    const t = world.fake.createTask({ name: 'new', projects: [world.koala.gid] });
    world.fake.updateTask(t.gid, { assignee: world.va.gid });
    world.fake.removeTaskFromProject(t.gid, world.koala.gid);
    const next = await source.readChanges('koala-co', first.cursor);
    expect(next.resyncNeeded).toBe(false);
    expect(next.changes.map((c) => [c.taskId, c.projectId, c.action])).toEqual([
      [t.gid, world.koala.gid, 'added'],
      [t.gid, world.koala.gid, 'changed'],
      [t.gid, world.koala.gid, 'removed'],
    ]);
    expect(next.changes.every((c) => typeof c.at === 'string')).toBe(true);
    const quiet = await source.readChanges('koala-co', next.cursor);
    expect(quiet).toEqual({ changes: [], cursor: expect.any(String), resyncNeeded: false });
  });

  it('reads on while has_more, in one call', async () => {
    world.fake.eventsPageSize = 2;
    const { cursor } = await source.readChanges('koala-co', null);
    const made = Array.from({ length: 5 }, (_, i) =>
      world.fake.createTask({ name: `t${i}`, projects: [world.koala.gid] }),
    );
    world.fake.deleteTask(made[0]?.gid ?? '');
    const page = await source.readChanges('koala-co', cursor);
    expect(page.changes.map((c) => c.action)).toEqual([
      'added',
      'added',
      'added',
      'added',
      'added',
      'deleted',
    ]);
    expect(
      world.fake.server.requestsTo('GET', '/api/1.0/events').filter((r) => r.status === 200),
    ).toHaveLength(3);
  });

  it('an expired cursor: a fresh one and resyncNeeded (the caller re-lists)', async () => {
    const { cursor } = await source.readChanges('koala-co', null);
    world.fake.createTask({ name: 'lost', projects: [world.koala.gid] });
    world.fake.expireSyncTokens();
    const page = await source.readChanges('koala-co', cursor);
    expect(page.resyncNeeded).toBe(true);
    expect(page.cursor).not.toBe(cursor);
    const after = await source.readChanges('koala-co', page.cursor);
    expect(after.resyncNeeded).toBe(false);
  });

  it('an unreadable event is reported and skipped, the rest still arrive', async () => {
    const { cursor } = await source.readChanges('koala-co', null);
    const t = world.fake.createTask({ name: 'ok', projects: [world.koala.gid] });
    world.fake.server.faults.next({
      status: 200,
      json: {
        data: [{ action: 'changed' }, { action: 'changed', resource: { gid: t.gid, resource_type: 'task' } }],
        sync: 'next-sync-token',
        has_more: false,
      },
    });
    const page = await source.readChanges('koala-co', cursor);
    expect(page.changes).toEqual([
      { taskId: t.gid, projectId: world.koala.gid, action: 'changed', at: null },
    ]);
    expect(decodeCursor(page.cursor)).toEqual({ [world.koala.gid]: 'next-sync-token' });
    expect(problems).toEqual([
      { kind: 'unreadable_event', projectId: world.koala.gid, reason: expect.stringContaining('resource') },
    ]);
  });
});

describe('readChanges across a client’s projects', () => {
  let extra: { gid: string };
  let twoProjects: AsanaTaskSource;
  beforeEach(() => {
    extra = world.fake.addProject({ name: 'Koala Co — events' });
    twoProjects = new AsanaTaskSource({
      client: new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl }),
      clients: [clientConfig({ id: 'koala-co', projects: [world.koala.gid, extra.gid] })],
    });
  });

  it('one cursor holds a token per project; a task change seen in two projects comes once', async () => {
    const first = await twoProjects.readChanges('koala-co', null);
    expect(first.resyncNeeded).toBe(true);
    expect(Object.keys(decodeCursor(first.cursor) ?? {}).sort()).toEqual([world.koala.gid, extra.gid].sort());
    const t = world.fake.createTask({ name: 'x', projects: [world.koala.gid, extra.gid] });
    world.fake.updateTask(t.gid, { dueOn: '2026-12-24' });
    const next = await twoProjects.readChanges('koala-co', first.cursor);
    expect(next.resyncNeeded).toBe(false);
    expect(next.changes.map((c) => [c.projectId, c.action])).toEqual([
      [world.koala.gid, 'added'],
      [extra.gid, 'added'],
      [world.koala.gid, 'changed'],
    ]);
  });

  it('one project’s expired token: its fresh one, the other’s changes, and resyncNeeded', async () => {
    const first = await twoProjects.readChanges('koala-co', null);
    const tokens = decodeCursor(first.cursor) ?? {};
    const t = world.fake.createTask({ name: 'x', projects: [world.koala.gid] });
    const stale = encodeCursor({ ...tokens, [extra.gid]: 'expired-token' });
    const page = await twoProjects.readChanges('koala-co', stale);
    expect(page.resyncNeeded).toBe(true);
    expect(page.changes.map((c) => [c.taskId, c.action])).toEqual([[t.gid, 'added']]);
    const after = decodeCursor(page.cursor) ?? {};
    expect(after[extra.gid]).not.toBe('expired-token');
    expect((await twoProjects.readChanges('koala-co', page.cursor)).resyncNeeded).toBe(false);
  });

  it('a cursor that is not one of ours starts afresh and asks for a resync, losing nothing', async () => {
    expect(decodeCursor('a-raw-asana-sync-token')).toBeNull();
    const page = await twoProjects.readChanges('koala-co', 'a-raw-asana-sync-token');
    expect(page).toEqual({ changes: [], cursor: expect.stringMatching(/^asana1\./), resyncNeeded: true });
  });
});

it('refuses a config where two clients claim one project', () => {
  const client = new AsanaClient({ token: 'x-token', baseUrl: 'http://127.0.0.1:9' });
  const clients = [
    clientConfig({ id: 'a', projects: ['1'] }),
    clientConfig({ id: 'b', projects: ['2', '1'] }),
  ];
  expect(() => new AsanaTaskSource({ client, clients })).toThrow(ConfigError);
  expect(() => new AsanaTaskSource({ client, clients })).toThrow(/clients\[1\]\.asana\.projects\[1\]/);
});

describe('listCompletedTasks', () => {
  it("lists the client's tasks completed in the window, each once, with when, whoever completed them", async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const timed = await startWorld({ now: () => now });
    try {
      const timedSource = new AsanaTaskSource({
        client: new AsanaClient({ token: timed.vaToken, baseUrl: timed.apiUrl, pageSize: 2 }),
        clients: [clientConfig({ id: 'koala-co', projects: [timed.koala.gid, timed.thames.gid] })],
      });
      const make = (name: string) =>
        timed.fake.createTask({ name, projects: [timed.koala.gid], assignee: timed.colleague.gid });
      const before = make('done before the window');
      const inside = make('done inside');
      const twice = timed.fake.createTask({
        name: 'in both projects',
        projects: [timed.koala.gid, timed.thames.gid],
      });
      const after = make('done after the window');
      make('still open');
      timed.fake.updateTask(before.gid, { completed: true });
      now = Date.parse('2026-11-24T09:15:00Z');
      timed.fake.updateTask(inside.gid, { completed: true });
      timed.fake.updateTask(twice.gid, { completed: true });
      now = Date.parse('2026-11-30T00:00:00Z');
      timed.fake.updateTask(after.gid, { completed: true });
      const done = await timedSource.listCompletedTasks('koala-co', {
        start: '2026-11-23T00:00:00Z',
        end: '2026-11-30T00:00:00Z',
      });
      expect(done.map((t) => [t.name, t.status, t.completedAt]).sort()).toEqual([
        ['done inside', 'completed', '2026-11-24T09:15:00.000Z'],
        ['in both projects', 'completed', '2026-11-24T09:15:00.000Z'],
      ]);
      // One listing per project from the window's start, read with Asana's completed_since.
      const asked = timed.fake.server.requests.filter((r) => r.path.endsWith('/tasks'));
      expect(asked.map((r) => r.query.completed_since)).toContain('2026-11-23T00:00:00.000Z');
      expect(
        await timedSource.listCompletedTasks('nobody', {
          start: '2026-11-23T00:00:00Z',
          end: '2026-11-30T00:00:00Z',
        }),
      ).toEqual([]);
    } finally {
      await timed.fake.stop();
    }
  });
});
