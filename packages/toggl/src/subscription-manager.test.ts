import { FakeServer } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { TogglWebhookReceiver } from './receiver.js';
import { TogglSubscriptionManager } from './subscription-manager.js';
import { MemoryStateStore } from './test-support/memory-state.js';
import { FakeToggl, seedScenario } from './testing/index.js';

describe('TogglSubscriptionManager (the subscriptions capability) against the fake, through a receiver', () => {
  let fake: FakeToggl;
  let vahub: FakeServer;
  let client: TogglClient;
  let state: MemoryStateStore;
  let manager: TogglSubscriptionManager;
  let wid: string;
  let workspaces: string[];
  let echoValidation: boolean;
  let publicUrl: string;

  beforeEach(async () => {
    fake = new FakeToggl();
    await fake.start();
    wid = String(seedScenario(fake).workspace.id);
    workspaces = [wid];
    client = new TogglClient({ apiToken: fake.apiToken, endpoints: fake.endpoints() });
    state = new MemoryStateStore();
    const receiver = new TogglWebhookReceiver({ state, subscriptions: client.subscriptions });
    manager = new TogglSubscriptionManager({
      receiver,
      subscriptions: client.subscriptions,
      workspaces: () => workspaces,
    });
    echoValidation = true;
    // vahub's receiving route, reduced to what the service does; any prefix stands for another public URL.
    vahub = new FakeServer('vahub-receiver').route('POST', '/:base/webhooks/toggl/:hook', async (req) => {
      const outcome = await receiver.receive({
        hook: req.params.hook,
        headers: req.headers,
        rawBody: req.rawBody,
      });
      if (!echoValidation && outcome.kind === 'handled') return { status: 200, body: '' };
      return {
        status: outcome.reply.status,
        headers: outcome.reply.headers ?? {},
        body: outcome.reply.body ?? '',
      };
    });
    await vahub.start();
    publicUrl = `${vahub.url}/a`;
  });
  afterEach(async () => {
    await fake.stop();
    await vahub.stop();
  });

  const atToggl = () => client.subscriptions.list(wid);
  const creates = () => fake.requestsTo('POST', `/webhooks/api/v1/subscriptions/${wid}`).length;

  it('makes one subscription per workspace, validated by its PING; a second ensure keeps it', async () => {
    const first = await manager.ensure({ publicUrl });
    expect(first.created).toHaveLength(1);
    expect(first.created[0]).toMatchObject({ scope: wid, expiresAt: null });
    expect(first.created[0]?.address.startsWith(`${publicUrl}/webhooks/toggl/`)).toBe(true);
    await fake.webhooks.waitForDelivery((d) => d.meta.kind === 'ping');
    await fake.webhooks.idle();
    expect((await atToggl())[0]?.validatedAt).not.toBeNull();

    const again = await manager.ensure({ publicUrl });
    expect(again).toEqual({ created: [], removed: [], kept: [first.created[0]] });
    expect(creates()).toBe(1);
    expect((await manager.list()).map((s) => s.id)).toEqual([first.created[0]?.id]);
  });

  it('a new public URL replaces the subscription; a workspace no longer configured loses it', async () => {
    const first = await manager.ensure({ publicUrl });
    const moved = await manager.ensure({ publicUrl: `${vahub.url}/b` });
    expect(moved.removed.map((s) => s.id)).toEqual([first.created[0]?.id]);
    expect(moved.created).toHaveLength(1);
    expect((await atToggl()).map((s) => s.urlCallback)).toEqual([moved.created[0]?.address]);

    workspaces = [];
    const dropped = await manager.ensure({ publicUrl: `${vahub.url}/b` });
    expect(dropped.removed.map((s) => s.id)).toEqual([moved.created[0]?.id]);
    expect(await atToggl()).toEqual([]);
    expect(await manager.list()).toEqual([]);
  });

  it('heals: deleted at Toggl → made again; secrets lost → the unverifiable one replaced; others’ left alone', async () => {
    fake.webhooks.limits = { perWorkspace: 2, filtersPerWebhook: 3 }; // Starter: room for someone else's
    await client.subscriptions.create({
      workspaceId: wid,
      urlCallback: 'https://someone-else.example/hook',
      secret: 'someone-elses-secret-value',
      description: 'not vahub',
    });
    const first = await manager.ensure({ publicUrl });
    await client.subscriptions.delete(wid, first.created[0]?.id ?? '');
    const healed = await manager.renew({ publicUrl });
    expect(healed.removed.map((s) => s.id)).toEqual([first.created[0]?.id]);
    expect(healed.created).toHaveLength(1);

    state.values.clear();
    const lost = await manager.ensure({ publicUrl });
    expect(lost.removed.map((s) => s.id)).toEqual([healed.created[0]?.id]);
    expect(lost.created).toHaveLength(1);
    expect((await atToggl()).map((s) => s.urlCallback).sort()).toEqual(
      [lost.created[0]?.address, 'https://someone-else.example/hook'].sort(),
    );
  });

  it('a subscription whose PING vahub did not answer is asked to validate again', async () => {
    echoValidation = false;
    const first = await manager.ensure({ publicUrl });
    await fake.webhooks.waitForDelivery((d) => d.meta.kind === 'ping');
    await fake.webhooks.idle();
    expect((await atToggl())[0]?.validatedAt).toBeNull();
    echoValidation = true;
    const again = await manager.ensure({ publicUrl });
    expect(again.kept.map((s) => s.id)).toEqual([first.created[0]?.id]);
    await fake.webhooks.idle();
    expect((await atToggl())[0]?.validatedAt).not.toBeNull();
  });
});
