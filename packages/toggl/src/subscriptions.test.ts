import type { WebhookOutcome } from '@vahub/core';
import { FakeServer, within } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { TogglWebhookReceiver } from './receiver.js';
import { VAHUB_EVENT_FILTERS } from './subscriptions.js';
import { MemoryStateStore } from './test-support/memory-state.js';
import { FakeToggl, seedScenario, type TogglScenario } from './testing/index.js';
import { parseTogglWebhook } from './webhooks.js';

const NOV = Date.parse('2026-11-02T09:00:00Z');

describe('webhook subscriptions, end to end with the receiver', () => {
  let fake: FakeToggl;
  let vahub: FakeServer;
  let s: TogglScenario;
  let client: TogglClient;
  let state: MemoryStateStore;
  let receiver: TogglWebhookReceiver;
  let wid: string;
  let echoValidation: boolean;
  let outcomes: WebhookOutcome[];

  beforeEach(async () => {
    fake = new FakeToggl();
    await fake.start();
    s = seedScenario(fake);
    wid = String(s.workspace.id);
    client = new TogglClient({ apiToken: fake.apiToken, endpoints: fake.endpoints() });
    state = new MemoryStateStore();
    receiver = new TogglWebhookReceiver({ state, subscriptions: client.subscriptions });
    echoValidation = true;
    outcomes = [];
    // vahub's receiving route, reduced to what the service does: hand the raw delivery over, answer the reply.
    vahub = new FakeServer('vahub-receiver').route('POST', '/webhooks/toggl/:hook', async (req) => {
      const outcome = await receiver.receive({
        hook: req.params.hook,
        headers: req.headers,
        rawBody: req.rawBody,
      });
      outcomes.push(outcome);
      if (!echoValidation && outcome.kind === 'handled') return { status: 200, body: '' };
      return {
        status: outcome.reply.status,
        headers: outcome.reply.headers ?? {},
        body: outcome.reply.body ?? '',
      };
    });
    await vahub.start();
  });
  afterEach(async () => {
    await fake.stop();
    await vahub.stop();
  });

  const subscribe = () =>
    receiver.subscribe({ workspaceId: wid, callbackBase: `${vahub.url}/webhooks/toggl` });
  const storedSecret = (hook: string) =>
    (JSON.parse(state.values.get(`toggl:webhook:${hook}`) ?? '{}') as { secret?: string }).secret;

  it('creates a subscription with a secret of its own and vahub’s filters; the signed PING validates it', async () => {
    const { hook, subscription: created } = await subscribe();
    expect(created).toMatchObject({
      workspaceId: wid,
      enabled: true,
      validatedAt: null,
      description: 'vahub time entries',
      urlCallback: `${vahub.url}/webhooks/toggl/${hook}`,
    });
    expect(created.eventFilters).toEqual(VAHUB_EVENT_FILTERS);
    const secret = storedSecret(hook);
    expect(secret?.length).toBeGreaterThanOrEqual(32);
    const [req] = fake.requestsTo('POST', `/webhooks/api/v1/subscriptions/${wid}`);
    expect(req?.json).toMatchObject({ secret, event_filters: VAHUB_EVENT_FILTERS, enabled: true });

    const ping = await fake.webhooks.waitForDelivery((d) => d.meta.kind === 'ping');
    expect(ping.status).toBe(200);
    expect(outcomes[0]).toMatchObject({ kind: 'handled', note: expect.stringContaining(created.id) });

    const [listed] = await client.subscriptions.list(wid);
    expect(listed?.id).toBe(created.id);
    expect(listed?.validatedAt).not.toBeNull();
    expect(await receiver.hooks()).toEqual([{ hook, workspaceId: wid, subscriptionId: created.id }]);
  });

  it('then accepts signed events for created, updated (bulk tag) and deleted entries', async () => {
    const { subscription } = await subscribe();
    await fake.webhooks.waitForDelivery((d) => d.meta.kind === 'ping');
    const entry = fake.addEntry({ workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV });
    await fake.webhooks.waitForDelivery((d) => d.meta.action === 'created');
    await client.bulkTag({ workspaceId: wid, entryIds: [String(entry.id)], tag: 'invoiced', op: 'add' });
    const updated = await fake.webhooks.waitForDelivery((d) => d.meta.action === 'updated');
    fake.deleteEntry(entry.id);
    await fake.webhooks.waitForDelivery((d) => d.meta.action === 'deleted');

    const events = outcomes.flatMap((o) => (o.kind === 'accepted' ? o.events : []));
    expect(events.map((e) => [e.subject, e.action, e.resourceId, e.scope])).toEqual([
      ['time-entry', 'created', String(entry.id), wid],
      ['time-entry', 'changed', String(entry.id), wid],
      ['time-entry', 'deleted', String(entry.id), wid],
    ]);
    expect(events.every((e) => e.id.startsWith(`${subscription.id}:`))).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    const parsed = parseTogglWebhook(updated.body);
    expect(parsed.ok && parsed.event.kind === 'time_entry' && parsed.event.entry?.tags).toEqual(['invoiced']);
    expect(fake.webhooks.deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('validates asynchronously with the code from the PING when the receiver does not echo it', async () => {
    echoValidation = false;
    const { subscription: created } = await subscribe();
    const ping = await fake.webhooks.waitForDelivery((d) => d.meta.kind === 'ping');
    expect((await client.subscriptions.list(wid))[0]?.validatedAt).toBeNull();

    // Not validated: a change is not delivered.
    fake.addEntry({ workspace_id: s.workspace.id, start: NOV });
    await within(fake.webhooks.idle(), 5000, 'deliveries');
    expect(fake.webhooks.deliveries.filter((d) => d.meta.kind === 'event')).toHaveLength(0);

    const wrong = await client.subscriptions.validate(wid, created.id, 'nope').catch((e: unknown) => e);
    expect(wrong).toMatchObject({ name: 'ConnectorError', status: 400, code: 'validation' });

    const code = (JSON.parse(ping.body) as { validation_code: string }).validation_code;
    await client.subscriptions.validate(wid, created.id, code);
    expect((await client.subscriptions.list(wid))[0]?.validatedAt).not.toBeNull();
  });

  it('is not validated when the receiver holds another secret (it answers 401)', async () => {
    const hook = 'hook-held-elsewhere';
    await receiver.remember({
      hook,
      secret: 'a-different-secret-entirely',
      workspaceId: wid,
      subscriptionId: null,
    });
    await client.subscriptions.create({
      workspaceId: wid,
      urlCallback: `${vahub.url}/webhooks/toggl/${hook}`,
      secret: 'the-secret-toggl-signs-with',
    });
    const ping = await fake.webhooks.waitForDelivery((d) => d.meta.kind === 'ping');
    expect(ping.status).toBe(401);
    expect((await client.subscriptions.list(wid))[0]?.validatedAt).toBeNull();
  });

  it("pings on request, keeps to the plan's limit (forgetting the refused secret), and unsubscribes", async () => {
    const { hook, subscription: created } = await subscribe();
    await fake.webhooks.waitForDelivery((d) => d.meta.kind === 'ping');
    await client.subscriptions.ping(wid, created.id);
    await within(fake.webhooks.idle(), 5000, 'deliveries');
    expect(fake.webhooks.deliveries.filter((d) => d.meta.kind === 'ping')).toHaveLength(2);

    const second = await receiver
      .subscribe({ workspaceId: wid, callbackBase: `${vahub.url}/webhooks/toggl`, description: 'another' })
      .catch((e: unknown) => e);
    expect(second).toMatchObject({ status: 400, code: 'validation', operation: 'createSubscription' });
    expect((await receiver.hooks()).map((h) => h.hook)).toEqual([hook]);

    await receiver.unsubscribe(hook);
    expect(await client.subscriptions.list(wid)).toEqual([]);
    expect(await receiver.hooks()).toEqual([]);
  });

  it('refuses a short secret before calling Toggl', async () => {
    const err = await client.subscriptions
      .create({ workspaceId: wid, urlCallback: `${vahub.url}/webhooks/toggl/x`, secret: 'short' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation' });
    expect(fake.requests).toHaveLength(0);
  });
});
