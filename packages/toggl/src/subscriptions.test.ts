import { randomBytes } from 'node:crypto';
import { FakeServer, within } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { VAHUB_EVENT_FILTERS } from './subscriptions.js';
import { FakeToggl, seedScenario, type TogglScenario } from './testing/index.js';
import { handleTogglWebhook, TOGGL_SIGNATURE_HEADER, type TogglWebhookEvent } from './webhooks.js';

const NOV = Date.parse('2026-11-02T09:00:00Z');

describe('webhook subscriptions, end to end with a receiver', () => {
  let fake: FakeToggl;
  let receiver: FakeServer;
  let s: TogglScenario;
  let client: TogglClient;
  let wid: string;
  const secret = randomBytes(24).toString('hex');
  let receiverSecret: string;
  let echoValidation: boolean;
  let events: TogglWebhookEvent[];

  beforeEach(async () => {
    fake = new FakeToggl();
    await fake.start();
    s = seedScenario(fake);
    wid = String(s.workspace.id);
    client = new TogglClient({ apiToken: fake.apiToken, endpoints: fake.endpoints });
    receiverSecret = secret;
    echoValidation = true;
    events = [];
    // vahub's receiver, reduced to the pure handler: verify, parse, answer.
    receiver = new FakeServer('vahub-receiver').route('POST', '/hooks/toggl', (req) => {
      const result = handleTogglWebhook({
        rawBody: req.rawBody,
        secret: receiverSecret,
        signature: req.headers[TOGGL_SIGNATURE_HEADER],
      });
      if (!result.ok) return { status: result.status, json: { error: result.error } };
      events.push(result.event);
      return { status: 200, body: echoValidation ? result.body : '' };
    });
    await receiver.start();
  });
  afterEach(async () => {
    await fake.stop();
    await receiver.stop();
  });

  const create = () =>
    client.subscriptions.create({ workspaceId: wid, urlCallback: `${receiver.url}/hooks/toggl`, secret });

  it('creates a subscription with vahub secret and filters; the signed PING validates it', async () => {
    const created = await create();
    expect(created).toMatchObject({
      workspaceId: wid,
      enabled: true,
      validatedAt: null,
      description: 'vahub time entries',
    });
    expect(created.eventFilters).toEqual(VAHUB_EVENT_FILTERS);
    const [req] = fake.requestsTo('POST', `/webhooks/api/v1/subscriptions/${wid}`);
    expect(req?.json).toMatchObject({ secret, event_filters: VAHUB_EVENT_FILTERS, enabled: true });

    const ping = await fake.webhooks.waitForDelivery((d) => d.kind === 'ping');
    expect(ping.status).toBe(200);
    expect(events[0]).toMatchObject({ kind: 'ping', subscriptionId: created.id });

    const [listed] = await client.subscriptions.list(wid);
    expect(listed?.id).toBe(created.id);
    expect(listed?.validatedAt).not.toBeNull();
  });

  it('then delivers signed events for created, updated (bulk tag) and deleted entries', async () => {
    await create();
    await fake.webhooks.waitForDelivery((d) => d.kind === 'ping');
    const entry = fake.addEntry({ workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV });
    await fake.webhooks.waitForDelivery((d) => d.action === 'created');
    await client.bulkTag({ workspaceId: wid, entryIds: [String(entry.id)], tag: 'invoiced', op: 'add' });
    await fake.webhooks.waitForDelivery((d) => d.action === 'updated');
    fake.deleteEntry(entry.id);
    await fake.webhooks.waitForDelivery((d) => d.action === 'deleted');

    const changes = events.filter((e) => e.kind === 'time_entry');
    expect(changes.map((e) => e.kind === 'time_entry' && [e.action, e.entryId, e.workspaceId])).toEqual([
      ['created', String(entry.id), wid],
      ['updated', String(entry.id), wid],
      ['deleted', String(entry.id), wid],
    ]);
    const updated = changes[1];
    expect(updated?.kind === 'time_entry' && updated.entry?.tags).toEqual(['invoiced']);
    expect(fake.webhooks.deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('validates asynchronously with the code from the PING when the receiver does not echo it', async () => {
    echoValidation = false;
    const created = await create();
    const ping = await fake.webhooks.waitForDelivery((d) => d.kind === 'ping');
    expect((await client.subscriptions.list(wid))[0]?.validatedAt).toBeNull();

    // Not validated: a change is not delivered.
    fake.addEntry({ workspace_id: s.workspace.id, start: NOV });
    await within(fake.webhooks.idle(), 5000, 'deliveries');
    expect(fake.webhooks.deliveries.filter((d) => d.kind === 'event')).toHaveLength(0);

    const wrong = await client.subscriptions.validate(wid, created.id, 'nope').catch((e: unknown) => e);
    expect(wrong).toMatchObject({ name: 'ConnectorError', status: 400, code: 'validation' });

    const code = (JSON.parse(ping.body) as { validation_code: string }).validation_code;
    await client.subscriptions.validate(wid, created.id, code);
    expect((await client.subscriptions.list(wid))[0]?.validatedAt).not.toBeNull();
  });

  it('is not validated when the receiver holds another secret (it answers 401)', async () => {
    receiverSecret = 'a-different-secret-entirely';
    await create();
    const ping = await fake.webhooks.waitForDelivery((d) => d.kind === 'ping');
    expect(ping.status).toBe(401);
    expect((await client.subscriptions.list(wid))[0]?.validatedAt).toBeNull();
  });

  it("pings on request, keeps to the plan's limit, and deletes", async () => {
    const created = await create();
    await fake.webhooks.waitForDelivery((d) => d.kind === 'ping');
    await client.subscriptions.ping(wid, created.id);
    await within(fake.webhooks.idle(), 5000, 'deliveries');
    expect(fake.webhooks.deliveries.filter((d) => d.kind === 'ping')).toHaveLength(2);

    const second = await client.subscriptions
      .create({
        workspaceId: wid,
        urlCallback: `${receiver.url}/hooks/toggl`,
        secret,
        description: 'another',
      })
      .catch((e: unknown) => e);
    expect(second).toMatchObject({ status: 400, code: 'validation', operation: 'createSubscription' });

    await client.subscriptions.delete(wid, created.id);
    expect(await client.subscriptions.list(wid)).toEqual([]);
  });

  it('refuses a short secret before calling Toggl', async () => {
    const err = await client.subscriptions
      .create({ workspaceId: wid, urlCallback: `${receiver.url}/hooks/toggl`, secret: 'short' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation' });
    expect(fake.requests).toHaveLength(0);
  });
});
