import { inspect } from 'node:util';
import { ConnectorError, type RetryOptions } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RequestBudget } from './budget.js';
import { AsanaClient } from './client.js';
import { failure } from './testing/failure.js';
import { startWorld, type World } from './testing/scenario.js';

let world: World;
let client: AsanaClient;
/** Every wait the pipeline would have slept, recorded instead of spent. */
let waits: number[];
let fast: RetryOptions;

beforeEach(async () => {
  world = await startWorld();
  waits = [];
  fast = { sleep: async (ms) => void waits.push(ms) };
  client = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, retry: fast });
});
afterEach(async () => {
  await world.fake.stop();
});

function everythingSaid(err: ConnectorError): string {
  return [
    err.message,
    String(err),
    err.stack ?? '',
    inspect(err, { depth: 5 }),
    JSON.stringify(err),
    ...err.details,
  ].join('\n');
}

describe('AsanaClient over the real SDK, against the fake', () => {
  it('reads the token user from /users/me with the bearer token of this client', async () => {
    expect(await client.me()).toEqual({ gid: world.va.gid, name: 'Vera VA' });
    const [req] = world.fake.server.requestsTo('GET', '/api/1.0/users/me');
    expect(req?.headers.authorization).toBe(`Bearer ${world.vaToken}`);
  });

  it('keeps two clients with different tokens apart (no global ApiClient)', async () => {
    const other = new AsanaClient({ token: world.colleague.token, baseUrl: world.apiUrl, retry: fast });
    const [a, b] = await Promise.all([client.me(), other.me()]);
    expect(a.gid).toBe(world.va.gid);
    expect(b.gid).toBe(world.colleague.gid);
  });

  it('gets a task with the fields vahub maps, and null for a deleted one', async () => {
    const task = world.fake.createTask({
      name: 'Draft newsletter',
      projects: [world.koala.gid],
      assignee: world.va.gid,
      dueAt: '2026-12-03T05:00:00.000Z',
      startOn: '2026-12-01',
      customFields: { [world.estimate.gid]: 90 },
    });
    const got = await client.getTask(task.gid);
    expect(got).toMatchObject({
      gid: task.gid,
      name: 'Draft newsletter',
      due_at: '2026-12-03T05:00:00.000Z',
      start_on: '2026-12-01',
      assignee: { gid: world.va.gid },
      completed: false,
      memberships: [{ project: { gid: world.koala.gid } }],
      custom_fields: [{ gid: world.estimate.gid, format: 'duration', number_value: 90 }],
    });
    expect(got?.permalink_url).toContain(task.gid);
    world.fake.deleteTask(task.gid);
    expect(await client.getTask(task.gid)).toBeNull();
  });

  it('lists every incomplete task of a project across pages of `limit` with offset tokens', async () => {
    const paged = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, pageSize: 3, retry: fast });
    const made = Array.from({ length: 10 }, (_, i) =>
      world.fake.createTask({ name: `task ${i}`, projects: [world.koala.gid], assignee: world.va.gid }),
    );
    world.fake.updateTask(made[4]?.gid ?? '', { completed: true });
    const tasks = await paged.listIncompleteTasks(world.koala.gid);
    expect(tasks.map((t) => t.name)).toEqual(made.filter((_, i) => i !== 4).map((t) => t.name));
    const pages = world.fake.server.requestsTo('GET', `/api/1.0/projects/${world.koala.gid}/tasks`);
    expect(pages).toHaveLength(3);
    expect(pages.map((p) => p.query.limit)).toEqual(['3', '3', '3']);
    expect(pages[0]?.query.offset).toBeUndefined();
    expect(pages[1]?.query.offset).toBeTruthy();
    expect(pages[2]?.query.offset).not.toBe(pages[1]?.query.offset);
    expect(pages.every((p) => p.query.completed_since === 'now')).toBe(true);
  });

  it('starts a listing over once when its offset expires half-way', async () => {
    const paged = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, pageSize: 2, retry: fast });
    for (let i = 0; i < 5; i++) world.fake.createTask({ name: `t${i}`, projects: [world.koala.gid] });
    let expired = false;
    world.fake.server.on('request', (r: { query: Record<string, string> }) => {
      if (!expired && r.query.offset) {
        expired = true;
        world.fake.expireOffsets();
      }
    });
    // The expiry lands after the second page was answered: the third read fails with 400 and restarts.
    const tasks = await paged.listIncompleteTasks(world.koala.gid);
    expect(tasks.map((t) => t.name)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    const statuses = world.fake.server.requestsTo('GET', /\/tasks$/).map((r) => r.status);
    expect(statuses).toEqual([200, 200, 400, 200, 200, 200]);
  });

  it('gives up with the 400 when offsets keep expiring (one restart, no loop)', async () => {
    const paged = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, pageSize: 2, retry: fast });
    for (let i = 0; i < 5; i++) world.fake.createTask({ name: `t${i}`, projects: [world.koala.gid] });
    world.fake.server.on('request', () => world.fake.expireOffsets());
    const err = await failure(paged.listIncompleteTasks(world.koala.gid));
    expect(err).toMatchObject({ operation: 'listProjectTasks', status: 400, retryable: false });
    expect(world.fake.server.requestsTo('GET', /\/tasks$/).map((r) => r.status)).toEqual([
      200, 400, 200, 400,
    ]);
  });

  it('refuses a page size Asana would refuse', () => {
    expect(() => new AsanaClient({ token: 't', baseUrl: world.apiUrl, pageSize: 101 })).toThrow(/1–100/);
    expect(() => new AsanaClient({ token: 't', baseUrl: world.apiUrl, pageSize: 0 })).toThrow(/1–100/);
  });

  it('reads events: a first read answers 412 with a token, later reads return what happened', async () => {
    const first = await client.readEvents(world.koala.gid, null);
    expect(first.kind).toBe('expired');
    const task = world.fake.createTask({ name: 'new', projects: [world.koala.gid] });
    world.fake.updateTask(task.gid, { dueOn: '2026-12-24' });
    const next = await client.readEvents(world.koala.gid, first.sync);
    expect(next).toMatchObject({ kind: 'events', hasMore: false });
    if (next.kind !== 'events') throw new Error('unreachable');
    expect(next.events).toMatchObject([
      { action: 'added', resource: { gid: task.gid }, parent: { gid: world.koala.gid } },
      { action: 'changed', change: { field: 'due_on' } },
    ]);
    expect(next.sync).not.toBe(first.sync);
    world.fake.expireSyncTokens();
    const stale = await client.readEvents(world.koala.gid, next.sync);
    expect(stale.kind).toBe('expired');
    expect(stale.sync).not.toBe(next.sync);
  });

  it('says has_more when more than a page of events is waiting', async () => {
    world.fake.eventsPageSize = 2;
    const { sync } = await client.readEvents(world.koala.gid, null);
    for (let i = 0; i < 3; i++) world.fake.createTask({ name: `t${i}`, projects: [world.koala.gid] });
    const page1 = await client.readEvents(world.koala.gid, sync);
    if (page1.kind !== 'events') throw new Error('expected events');
    expect(page1.events).toHaveLength(2);
    expect(page1.hasMore).toBe(true);
    const page2 = await client.readEvents(world.koala.gid, page1.sync);
    expect(page2).toMatchObject({ kind: 'events', hasMore: false });
    expect(page2.kind === 'events' && page2.events).toHaveLength(1);
  });

  it('lists and deletes webhooks (creation is covered by the lifecycle test)', async () => {
    expect(await client.listWebhooks(world.koala.gid)).toEqual([]);
    expect(await client.deleteWebhook('1209999999999999')).toBe(false);
  });
});

describe('failures', () => {
  it('a refused token: ConnectorError with operation and status, the token nowhere in it', async () => {
    const token = '2/1209/secret-token-that-must-not-leak';
    const bad = new AsanaClient({ token, baseUrl: world.apiUrl, retry: fast });
    const err = await failure(bad.getTask('123'));
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ provider: 'asana', operation: 'getTask', status: 401, retryable: false });
    expect(err.code).toBe('reconnect_required');
    expect(err.message).toContain('getTask');
    expect(err.message).toContain('401');
    expect(everythingSaid(err)).not.toContain(token);
    expect(everythingSaid(err)).not.toContain('secret-token');
  });

  it('a 429 is waited out for exactly its Retry-After, without using an attempt, and then succeeds', async () => {
    world.fake.server.faults.next({ status: 429, retryAfterSeconds: 2 });
    const me = await client.me();
    expect(me.gid).toBe(world.va.gid);
    expect(waits).toEqual([2000]);
    expect(world.fake.server.requestsTo('GET', '/api/1.0/users/me').map((r) => r.status)).toEqual([429, 200]);
  });

  it('a 429 asking for longer than a call may block goes to the caller, carrying Retry-After', async () => {
    world.fake.server.faults.next({ status: 429, retryAfterSeconds: 120 });
    const err = await failure(client.me());
    expect(err).toMatchObject({
      operation: 'getMe',
      status: 429,
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 120_000,
    });
    expect(waits).toEqual([]);
    expect(everythingSaid(err)).not.toContain(world.vaToken);
  });

  it('5xx is retried with full-jitter backoff; it gives up after its attempts', async () => {
    world.fake.server.faults.next({ status: 503, times: 2 });
    const jittered = new AsanaClient({
      token: world.vaToken,
      baseUrl: world.apiUrl,
      retry: { ...fast, random: () => 0.5, baseDelayMs: 100 },
    });
    const me = await jittered.me();
    expect(me.gid).toBe(world.va.gid);
    expect(waits).toEqual([50, 100]);

    world.fake.server.faults.next({ status: 500, times: 10 });
    const three = new AsanaClient({
      token: world.vaToken,
      baseUrl: world.apiUrl,
      retry: { ...fast, attempts: 3 },
    });
    const err = await failure(three.me());
    expect(err).toMatchObject({ status: 500, code: 'unavailable', retryable: true, operation: 'getMe' });
    expect(
      world.fake.server.requestsTo('GET', '/api/1.0/users/me').filter((r) => r.status === 500),
    ).toHaveLength(3);
  });

  it('a 404 on something other than a task read is a not_found error, not retried', async () => {
    const err = await failure(client.getProjectWorkspace('404404'));
    expect(err).toMatchObject({ operation: 'getProject', status: 404, code: 'not_found', retryable: false });
    expect(err.message).toContain('Unknown object');
    expect(world.fake.server.requestsTo('GET', '/api/1.0/projects/404404')).toHaveLength(1);
  });

  it('no server: a retryable network error', async () => {
    await world.fake.stop();
    const err = await failure(client.me());
    expect(err).toMatchObject({ operation: 'getMe', code: 'network', retryable: true, status: undefined });
    world = await startWorld();
  });

  it('an answer of the wrong shape is a retryable unexpected_response error, not a crash in a mapper', async () => {
    world.fake.server.faults.next({ status: 200, json: { data: { gid: 42 } }, times: 2 });
    const twice = new AsanaClient({
      token: world.vaToken,
      baseUrl: world.apiUrl,
      retry: { ...fast, attempts: 2 },
    });
    const err = await failure(twice.me());
    expect(err).toMatchObject({ operation: 'getMe', code: 'unexpected_response', retryable: true });
    expect(err.message).toContain('data.gid');
  });

  it('the budget refuses before sending once the window is used up, and reports what is left', async () => {
    let now = 1_000_000;
    const budget = new RequestBudget({ limit: 2, windowMs: 60_000, now: () => now });
    // A wait of 50 s is longer than this client may block: the refusal reaches the caller.
    const tight = new AsanaClient({
      token: world.vaToken,
      baseUrl: world.apiUrl,
      limiter: budget,
      retry: { ...fast, maxWaitMs: 10_000 },
    });
    await tight.me();
    expect(tight.budget()).toMatchObject({ limit: 2, used: 1, remaining: 1, resetInMs: 60_000 });
    now += 10_000;
    await tight.me();
    const err = await failure(tight.me());
    expect(err).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 50_000,
      status: undefined,
    });
    expect(world.fake.server.requestsTo('GET', '/api/1.0/users/me')).toHaveLength(2);
    now += 50_000;
    expect(tight.budget()).toMatchObject({ used: 1, remaining: 1 });
    await tight.me();
  });

  it('a short wait for the budget is sat out in the call (the clock moves with the wait)', async () => {
    let now = 0;
    const budget = new RequestBudget({ limit: 1, windowMs: 1_000, now: () => now });
    const paced = new AsanaClient({
      token: world.vaToken,
      baseUrl: world.apiUrl,
      limiter: budget,
      retry: {
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
      },
    });
    await paced.me();
    now += 400;
    await paced.me();
    expect(waits).toEqual([600]);
    expect(world.fake.server.requestsTo('GET', '/api/1.0/users/me')).toHaveLength(2);
  });

  it('an OAuth token provider is asked again after a 401, once', async () => {
    // As core's TokenManager behaves: a refresh stores the new token, which `accessToken` then hands out.
    const handedOut: string[] = [];
    let current = 'expired-access-token';
    const tokens = {
      accessToken: async () => {
        handedOut.push(current === world.vaToken ? 'fresh' : 'expired');
        return current;
      },
      refreshAfterRejection: async (rejected: string) => {
        handedOut.push(`refresh after ${rejected}`);
        current = world.vaToken;
        return current;
      },
    };
    const oauth = new AsanaClient({ token: tokens, baseUrl: world.apiUrl, retry: fast });
    expect((await oauth.me()).gid).toBe(world.va.gid);
    expect(handedOut).toEqual(['expired', 'refresh after expired-access-token', 'fresh']);
    const auth = world.fake.server.requestsTo('GET', '/api/1.0/users/me').map((r) => r.headers.authorization);
    expect(auth).toEqual(['Bearer expired-access-token', `Bearer ${world.vaToken}`]);
  });
});
