import { ConfigError } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsanaClient } from './client.js';
import { AmbiguousTaskClientError } from './errors.js';
import { AsanaTaskSource, type TaskProblem } from './task-source.js';
import { clientConfig, startWorld, type World } from './testing/scenario.js';

let world: World;
let source: AsanaTaskSource;
let problems: TaskProblem[];

beforeEach(async () => {
  world = await startWorld();
  problems = [];
  source = new AsanaTaskSource({
    client: new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl }),
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

  it('a task in two clients’ projects is an AmbiguousTaskClientError, never a guess', async () => {
    const t = world.fake.createTask({
      name: 'shared',
      projects: [world.koala.gid, world.thames.gid],
      assignee: world.va.gid,
    });
    const err = await source.getTask(t.gid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousTaskClientError);
    expect(err).toMatchObject({
      taskId: t.gid,
      clientIds: ['koala-co', 'thames-studio'],
      retryable: false,
      code: 'conflict',
    });
  });

  it('a task in no configured project is nothing for vahub: null', async () => {
    const elsewhere = world.fake.addProject({ name: 'Personal' });
    const t = world.fake.createTask({ name: 'groceries', projects: [elsewhere.gid], assignee: world.va.gid });
    expect(await source.getTask(t.gid)).toBeNull();
  });
});

describe('listOpenTasks', () => {
  it('lists incomplete tasks of the project, leaves out and reports ambiguous ones', async () => {
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
    const tasks = await source.listOpenTasks(world.koala.gid);
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

  it('refuses a project no client has', async () => {
    await expect(source.listOpenTasks('999')).rejects.toMatchObject({ code: 'validation', retryable: false });
  });
});

describe('readEvents', () => {
  it('first read: a cursor and resyncNeeded; then the changes since, in order', async () => {
    const first = await source.readEvents(world.koala.gid, null);
    expect(first).toEqual({ changes: [], cursor: expect.any(String), resyncNeeded: true });
    const t = world.fake.createTask({ name: 'new', projects: [world.koala.gid] });
    world.fake.updateTask(t.gid, { assignee: world.va.gid });
    world.fake.removeTaskFromProject(t.gid, world.koala.gid);
    const next = await source.readEvents(world.koala.gid, first.cursor);
    expect(next.resyncNeeded).toBe(false);
    expect(next.changes.map((c) => [c.taskId, c.projectId, c.action])).toEqual([
      [t.gid, world.koala.gid, 'added'],
      [t.gid, world.koala.gid, 'changed'],
      [t.gid, world.koala.gid, 'removed'],
    ]);
    expect(next.changes.every((c) => typeof c.at === 'string')).toBe(true);
    const quiet = await source.readEvents(world.koala.gid, next.cursor);
    expect(quiet).toEqual({ changes: [], cursor: expect.any(String), resyncNeeded: false });
  });

  it('reads on while has_more, in one call', async () => {
    world.fake.eventsPageSize = 2;
    const { cursor } = await source.readEvents(world.koala.gid, null);
    const made = Array.from({ length: 5 }, (_, i) =>
      world.fake.createTask({ name: `t${i}`, projects: [world.koala.gid] }),
    );
    world.fake.deleteTask(made[0]?.gid ?? '');
    const page = await source.readEvents(world.koala.gid, cursor);
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
    const { cursor } = await source.readEvents(world.koala.gid, null);
    world.fake.createTask({ name: 'lost', projects: [world.koala.gid] });
    world.fake.expireSyncTokens();
    const page = await source.readEvents(world.koala.gid, cursor);
    expect(page.resyncNeeded).toBe(true);
    expect(page.cursor).not.toBe(cursor);
    const after = await source.readEvents(world.koala.gid, page.cursor);
    expect(after.resyncNeeded).toBe(false);
  });

  it('an unreadable event is reported and skipped, the rest still arrive', async () => {
    const { cursor } = await source.readEvents(world.koala.gid, null);
    const t = world.fake.createTask({ name: 'ok', projects: [world.koala.gid] });
    world.fake.server.faults.next({
      status: 200,
      json: {
        data: [{ action: 'changed' }, { action: 'changed', resource: { gid: t.gid, resource_type: 'task' } }],
        sync: 'next-sync-token',
        has_more: false,
      },
    });
    const page = await source.readEvents(world.koala.gid, cursor);
    expect(page.changes).toEqual([
      { taskId: t.gid, projectId: world.koala.gid, action: 'changed', at: null },
    ]);
    expect(page.cursor).toBe('next-sync-token');
    expect(problems).toEqual([
      { kind: 'unreadable_event', projectId: world.koala.gid, reason: expect.stringContaining('resource') },
    ]);
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
