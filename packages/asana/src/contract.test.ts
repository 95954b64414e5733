import { MemoryStateStore } from '@vahub/core';
import type { LoggedRequest } from '@vahub/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsanaClient } from './client.js';
import { AsanaReportPublisher } from './report-publisher.js';
import { AsanaTaskSource } from './task-source.js';
import { WORKSPACE } from './testing/model.js';
import { AsanaOas } from './testing/oas.js';
import { Receiver } from './testing/receiver.js';
import { startWorld, type World } from './testing/scenario.js';
import { AsanaWebhookReceiver } from './webhooks/receive.js';
import { registerWebhook, removeWebhook } from './webhooks/register.js';
import { newHookKey, StateHandshakeRegistry, webhookTarget } from './webhooks/registry.js';

/**
 * Everything the fake answered, and everything the connector sent, in one scenario that runs every
 * operation (and its failures), checked against Asana's own OpenAPI spec.
 */
let oas: AsanaOas;
let world: World;
let receiver: Receiver;
/** Requests made on purpose outside the connector (a raw `limit=0`): their answers are checked, not their queries. */
const raw = new Set<LoggedRequest>();

const apiPath = (r: LoggedRequest) => r.path.replace(/^\/api\/1\.0/, '');

beforeAll(async () => {
  oas = AsanaOas.load();
  world = await startWorld();
  world.fake.eventsPageSize = 2;
  const registry = new StateHandshakeRegistry(new MemoryStateStore());
  receiver = new Receiver(new AsanaWebhookReceiver({ registry }));
  await receiver.start();
  const fast = { sleep: async () => undefined };
  const client = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, pageSize: 2, retry: fast });
  const source = new AsanaTaskSource({ client, clients: world.clients });

  const { cursor } = await source.readChanges('koala-co', null);
  const tasks = Array.from({ length: 5 }, (_, i) =>
    world.fake.createTask({
      name: `task ${i}`,
      projects: [world.koala.gid],
      assignee: i % 2 ? world.va.gid : null,
      dueOn: i === 0 ? '2026-12-01' : null,
      dueAt: i === 1 ? '2026-12-01T10:00:00.000Z' : null,
      customFields: { [world.estimate.gid]: i === 2 ? null : 30 * i },
    }),
  );
  await source.listOpenTasks('koala-co');
  await source.getTask(tasks[1]?.gid ?? '');
  world.fake.deleteTask(tasks[4]?.gid ?? '');
  await source.getTask(tasks[4]?.gid ?? '');
  await source.readChanges('koala-co', cursor);

  const hookKey = newHookKey();
  await registerWebhook({
    client,
    registry,
    projectId: world.koala.gid,
    target: webhookTarget(receiver.base, hookKey),
    hookKey,
  });
  await client.listWebhooks(world.koala.gid);
  // `vahub ids asana`: workspaces, then a workspace's projects (three, in pages of two).
  world.fake.addProject({ name: 'Archived Co', archived: true });
  world.fake.addProject({ name: 'Third Co' });
  await client.workspaces();
  await client.projects(WORKSPACE.gid);
  world.fake.updateTask(tasks[0]?.gid ?? '', { completed: true });
  await receiver.next((o) => o.kind === 'accepted', 'a delivery');
  await world.fake.hub.idle();

  world.fake.server.faults.next({ status: 429, retryAfterSeconds: 1 });
  world.fake.server.faults.next({ status: 503 });
  await client.getTask(tasks[2]?.gid ?? '');
  await new AsanaClient({ token: 'revoked-token-123', baseUrl: world.apiUrl }).me().catch(() => null);
  await removeWebhook({ client, registry, hookKey });
  await client.deleteWebhook('1209999999999999');
  // Weekly reports as status updates: three weeks posted, the first again (found, not posted), read
  // back in pages of two.
  const [koala] = world.clients;
  const publisher = new AsanaReportPublisher({
    client,
    clients: koala ? [{ ...koala, section: { ...koala.section, weeklyReport: { post: true } } }] : [],
  });
  for (const week of ['2026-W47', '2026-W48', '2026-W49', '2026-W47']) {
    await publisher.publish('koala-co', {
      title: `Weekly report ${week} · Koala Co`,
      titleKey: `Weekly report ${week}`,
      text: 'HOURS THIS WEEK: 3 h',
      notBefore: '2026-01-01T00:00:00.000Z',
      status: week === '2026-W49' ? 'at-risk' : 'on-track',
    });
  }
  const before = world.fake.server.requests.length;
  const [posted] = world.fake.statusUpdatesOf(world.koala.gid);
  const auth = { authorization: `Bearer ${world.vaToken}` };
  await fetch(`${world.apiUrl}/status_updates/${posted?.gid}`, { headers: auth });
  await fetch(`${world.apiUrl}/status_updates/${posted?.gid}`, { method: 'DELETE', headers: auth });
  await fetch(`${world.apiUrl}/status_updates?parent=${world.koala.gid}`, { headers: auth });
  await fetch(`${world.apiUrl}/projects/${world.koala.gid}/tasks?limit=0`, {
    headers: { authorization: `Bearer ${world.vaToken}` },
  });
  for (const r of world.fake.server.requests.slice(before)) raw.add(r);
});

afterAll(async () => {
  await world?.fake.stop();
  await receiver?.stop();
});

describe('contract with asana_oas.yaml', () => {
  it('the scenario covered every operation and the failure statuses', () => {
    const seen = new Set(
      world.fake.server.requests.map(
        (r) => `${r.method} ${oas.operation(r.method, apiPath(r))?.template} ${r.status}`,
      ),
    );
    for (const expected of [
      'GET /users/{user_gid} 200',
      'GET /users/{user_gid} 401',
      'GET /projects/{project_gid}/tasks 200',
      'GET /projects/{project_gid}/tasks 400',
      'GET /tasks/{task_gid} 200',
      'GET /tasks/{task_gid} 404',
      'GET /tasks/{task_gid} 429',
      'GET /tasks/{task_gid} 503',
      'GET /events 412',
      'GET /events 200',
      'GET /projects/{project_gid} 200',
      'POST /webhooks 201',
      'GET /webhooks 200',
      'DELETE /webhooks/{webhook_gid} 200',
      'DELETE /webhooks/{webhook_gid} 404',
      'GET /status_updates 200',
      'POST /status_updates 201',
      'GET /status_updates/{status_update_gid} 200',
      'DELETE /status_updates/{status_update_gid} 200',
      'GET /workspaces 200',
      'GET /workspaces/{workspace_gid}/projects 200',
    ]) {
      expect(seen).toContain(expected);
    }
  });

  it('every answer of the fake matches the documented response of its status', () => {
    const problems = world.fake.server.requests.flatMap((r) =>
      oas.validateResponse({ method: r.method, path: apiPath(r), status: r.status, body: r.responseBody }),
    );
    expect(problems).toEqual([]);
  });

  it('every query the connector sent uses documented parameters and values (opt_fields enums, limit 1–100)', () => {
    const sent = world.fake.server.requests.filter((r) => !raw.has(r));
    expect(sent.length).toBeGreaterThan(15);
    const problems = sent.flatMap((r) =>
      oas.validateQuery({ method: r.method, path: apiPath(r), query: r.query }),
    );
    expect(problems).toEqual([]);
  });

  it('every request body the connector sent matches the documented body; reads send none', () => {
    const problems = world.fake.server.requests.flatMap((r) => {
      if (r.method === 'GET' || r.method === 'DELETE')
        return r.body === '' ? [] : [`${r.method} ${r.path} sent a body`];
      return oas.validateRequestBody({ method: r.method, path: apiPath(r), body: r.json });
    });
    expect(world.fake.server.requestsTo('POST', '/api/1.0/webhooks')).toHaveLength(1);
    expect(world.fake.server.requestsTo('POST', '/api/1.0/status_updates')).toHaveLength(3);
    expect(problems).toEqual([]);
  });

  it('every event the fake delivered to the webhook is a documented EventResponse', () => {
    const delivered = world.fake.hub.deliveries.filter((d) => d.meta.kind === 'events');
    expect(delivered.length).toBeGreaterThan(0);
    const problems = delivered.flatMap((d) =>
      (JSON.parse(d.body) as { events: unknown[] }).events.flatMap((e) =>
        oas.validateSchema('EventResponse', e),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('the validator does reject what Asana would not send or accept', () => {
    expect(
      oas.validateResponse({
        method: 'GET',
        path: '/tasks/1',
        status: 200,
        body: { data: { gid: '1', completed: 'yes' } },
      }),
    ).not.toEqual([]);
    expect(
      oas.validateResponse({
        method: 'GET',
        path: '/tasks/1',
        status: 200,
        body: { data: { gid: '1', assignee: null } },
      }),
    ).toEqual([]);
    expect(
      oas.validateResponse({
        method: 'GET',
        path: '/events',
        status: 200,
        body: { data: [], sync: 5, has_more: false },
      }),
    ).not.toEqual([]);
    expect(
      oas.validateRequestBody({ method: 'POST', path: '/webhooks', body: { data: { resource: '1' } } }),
    ).not.toEqual([]);
    expect(
      oas.validateQuery({ method: 'GET', path: '/tasks/1', query: { opt_fields: 'name,estimate' } }),
    ).not.toEqual([]);
    expect(
      oas.validateQuery({ method: 'GET', path: '/projects/1/tasks', query: { limit: '101' } }),
    ).not.toEqual([]);
    expect(oas.validateQuery({ method: 'GET', path: '/events', query: {} })).toEqual([
      '/events: missing resource',
    ]);
  });
});
