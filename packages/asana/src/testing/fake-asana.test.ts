import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from './scenario.js';

/** The fake on its own, over plain HTTP: the Asana behaviours the connector tests rely on. */
let world: World;
let now: number;
let target: { server: Server; url: string; handle: (req: IncomingMessage, res: ServerResponse) => void };

beforeEach(async () => {
  now = Date.parse('2026-11-28T09:00:00Z');
  world = await startWorld({ now: () => now });
  const holder = {
    handle: (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200);
      res.end();
    },
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => holder.handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = Object.assign(holder, {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
  });
});
afterEach(async () => {
  await world.fake.stop();
  target.server.closeAllConnections();
  await new Promise<void>((resolve) => target.server.close(() => resolve()));
});

async function call(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
  const token = init.token === undefined ? world.vaToken : init.token;
  const res = await fetch(`${world.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { data?: unknown } };
}

describe('auth and errors', () => {
  it('401 {errors:[{message}]} without a known bearer token', async () => {
    for (const token of [null, 'nope-token']) {
      const res = await call('/users/me', { token });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ errors: [{ message: 'Not Authorized' }] });
    }
  });
});

describe('tasks and pagination', () => {
  beforeEach(() => {
    for (let i = 0; i < 5; i++)
      world.fake.createTask({ name: `t${i}`, projects: [world.koala.gid], completed: i === 3 });
  });
  const list = (query: string) => call(`/projects/${world.koala.gid}/tasks?${query}`);

  it('compact records by default; opt_fields picks fields, nested ones compact', async () => {
    const all = await list('completed_since=now');
    expect(all.json.next_page).toBeUndefined();
    expect(all.json.data).toEqual(
      ['t0', 't1', 't2', 't4'].map((name) => ({
        gid: expect.any(String),
        resource_type: 'task',
        name,
        resource_subtype: 'default_task',
      })),
    );
    const gid = (all.json.data as { gid: string }[])[0]?.gid;
    world.fake.updateTask(gid ?? '', { assignee: world.va.gid });
    const one = await call(`/tasks/${gid}?opt_fields=name,assignee,memberships.project.name`);
    expect(one.json.data).toEqual({
      gid,
      name: 't0',
      assignee: { gid: world.va.gid, resource_type: 'user', name: 'Vera VA' },
      memberships: [{ project: { gid: world.koala.gid, name: 'Koala Co' } }],
    });
  });

  it('limit must be 1–100', async () => {
    for (const limit of ['0', '101', 'abc', '-1']) {
      const res = await list(`limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ errors: [{ message: expect.stringContaining('limit') }] });
    }
  });

  it('offsets page on, belong to their listing, and expire', async () => {
    const first = await list('limit=2');
    const next = first.json.next_page as { offset: string; path: string; uri: string };
    expect(next.path).toContain(`offset=${next.offset}`);
    expect(next.uri).toBe(`${world.apiUrl}${next.path}`);
    expect((await call(next.path)).json.data).toHaveLength(2);
    expect((await list(`limit=2&completed_since=now&offset=${next.offset}`)).status).toBe(400);
    now += 11 * 60_000;
    expect((await call(next.path)).status).toBe(400);
    const last = await list('limit=5');
    expect(last.json.next_page).toBeNull();
  });

  it('a deleted task is 404', async () => {
    const gid = [...world.fake.state.tasks.keys()][0] ?? '';
    world.fake.deleteTask(gid);
    expect((await call(`/tasks/${gid}`)).status).toBe(404);
  });
});

describe('events', () => {
  it('a token is bound to its resource and expires after 24 h; 412 carries a fresh one', async () => {
    const t = world.fake.createTask({ name: 'x', projects: [world.koala.gid] });
    const first = await call(`/events?resource=${world.koala.gid}`);
    expect(first.status).toBe(412);
    const sync = first.json.sync as string;
    expect((await call(`/events?resource=${t.gid}&sync=${sync}`)).status).toBe(412);
    expect((await call(`/events?resource=${world.koala.gid}&sync=${sync}`)).json).toEqual({
      data: [],
      sync: expect.any(String),
      has_more: false,
    });
    now += 24 * 3_600_000 + 1;
    const late = await call(`/events?resource=${world.koala.gid}&sync=${sync}`);
    expect(late.status).toBe(412);
    expect(late.json.sync).not.toBe(sync);
  });
});

describe('webhooks', () => {
  const create = (data: Record<string, unknown>) => call('/webhooks', { method: 'POST', body: { data } });

  it('refuses a target that does not echo the secret, or echoes another one', async () => {
    expect((await create({ resource: world.koala.gid, target: target.url })).status).toBe(400);
    target.handle = (_req, res) => {
      res.writeHead(200, { 'x-hook-secret': 'not-the-one' });
      res.end();
    };
    expect((await create({ resource: world.koala.gid, target: target.url })).status).toBe(400);
    expect(world.fake.webhooks.size).toBe(0);
    expect(world.fake.hub.deliveries.map((d) => [d.meta.kind, d.status])).toEqual([
      ['handshake', 200],
      ['handshake', 200],
    ]);
  });

  it('validates resource and target', async () => {
    expect((await create({ target: target.url })).status).toBe(400);
    expect((await create({ resource: world.koala.gid })).status).toBe(400);
    expect((await create({ resource: world.koala.gid, target: 'not a url' })).status).toBe(400);
    expect((await create({ resource: '424242', target: target.url })).status).toBe(404);
    expect((await create({ resource: world.koala.gid, target: 'https://localhost/x' })).status).toBe(403);
  });

  it('honours filters and records failed deliveries', async () => {
    target.handle = (req, res) => {
      const secret = req.headers['x-hook-secret'];
      res.writeHead(secret ? 204 : 500, secret ? { 'x-hook-secret': String(secret) } : {});
      res.end();
    };
    const created = await create({
      resource: world.koala.gid,
      target: target.url,
      filters: [{ resource_type: 'task', action: 'deleted' }],
    });
    expect(created.status).toBe(201);
    const t = world.fake.createTask({ name: 'x', projects: [world.koala.gid] });
    world.fake.updateTask(t.gid, { name: 'y' });
    world.fake.deleteTask(t.gid);
    const failed = await world.fake.hub.waitForDelivery((d) => d.meta.kind === 'events');
    expect(failed.meta.events.map((e) => e.action)).toEqual(['deleted']);
    expect(failed.status).toBe(500);
    await world.fake.hub.idle();
    const gid = (created.json.data as { gid: string }).gid;
    const after = await call(`/webhooks/${gid}?opt_fields=last_failure_at,last_failure_content`);
    expect(after.json.data).toMatchObject({
      last_failure_at: expect.any(String),
      last_failure_content: expect.stringContaining('500'),
    });
  });
});
