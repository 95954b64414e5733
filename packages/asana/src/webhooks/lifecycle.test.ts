import { isConnectorError, MemoryStateStore, signHmacSha256 } from '@vahub/core';
import { deliverWebhook } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AsanaClient } from '../client.js';
import { AsanaConnection, asanaConnector } from '../descriptor.js';
import { Receiver } from '../testing/receiver.js';
import { connectorContext, startWorld, type World } from '../testing/scenario.js';
import { registerWebhook, removeWebhook } from './register.js';
import { type HandshakeRegistry, newHookKey, webhookTarget } from './registry.js';
import { verifyAsanaSignature } from './verify.js';

let world: World;
let client: AsanaClient;
let registry: HandshakeRegistry;
let receiver: Receiver;

beforeEach(async () => {
  world = await startWorld();
  // Built as the service builds it: one shared state store for the registering side and the receiver.
  const connection = asanaConnector.create(
    connectorContext({
      clients: world.clients,
      apiUrl: world.apiUrl,
      token: world.vaToken,
      deps: { state: new MemoryStateStore() },
    }),
  );
  if (!(connection instanceof AsanaConnection))
    throw new Error('the asana connector builds an AsanaConnection');
  client = connection.api;
  registry = connection.handshakes;
  receiver = new Receiver(connection.webhooks);
  await receiver.start();
});
afterEach(async () => {
  await world.fake.stop();
  await receiver.stop();
});

function register(hookKey = newHookKey()) {
  const target = webhookTarget(receiver.base, hookKey);
  return {
    hookKey,
    target,
    run: () => registerWebhook({ client, registry, projectId: world.koala.gid, target, hookKey }),
  };
}

describe('webhook lifecycle against the fake, through a real HTTP receiver', () => {
  it('create → handshake → signed event → verify → parse → heartbeat → delete', async () => {
    const { hookKey, target, run } = register();
    const registered = await run();
    const atAsana = world.fake.webhooks.get(registered.webhook.gid);
    expect(atAsana?.target).toBe(target);
    expect(registered).toMatchObject({
      secretSource: 'response',
      foreignHandshakes: 0,
      webhook: { active: true, target },
    });
    expect(registered.record).toMatchObject({
      hookKey,
      webhookId: registered.webhook.gid,
      projectId: world.koala.gid,
    });
    expect(registered.record.secret).toBe(atAsana?.secret);
    expect(receiver.outcomes).toEqual([
      {
        kind: 'handled',
        reply: { status: 200, headers: { 'X-Hook-Secret': atAsana?.secret } },
        note: expect.stringContaining('handshake'),
      },
    ]);
    expect(await registry.getPending(hookKey, Date.now())).toBeNull();
    expect((await client.listWebhooks(world.koala.gid)).map((w) => [w.gid, w.target, w.active])).toEqual([
      [registered.webhook.gid, target, true],
    ]);

    const task = world.fake.createTask({
      name: 'Invoice follow-up',
      projects: [world.koala.gid],
      assignee: world.va.gid,
    });
    world.fake.updateTask(task.gid, { dueOn: '2026-12-10' });
    const added = await receiver.next(
      (o) => o.kind === 'accepted' && o.events.some((e) => e.action === 'created'),
      'added event',
    );
    expect(added).toMatchObject({
      events: [{ subject: 'task', resourceId: task.gid, scope: world.koala.gid, action: 'created' }],
    });
    const changed = await receiver.next(
      (o) => o.kind === 'accepted' && o.events.some((e) => e.action === 'changed'),
      'changed event',
    );
    expect(changed).toMatchObject({
      events: [{ resourceId: task.gid, scope: world.koala.gid, action: 'changed' }],
    });
    // What Asana sent verifies under the stored secret, over the exact bytes.
    await world.fake.hub.idle();
    const sent = world.fake.hub.deliveries.filter((d) => d.meta.kind === 'events');
    expect(sent.map((d) => d.status)).toEqual([200, 200]);
    for (const d of sent) {
      expect(
        verifyAsanaSignature({
          rawBody: d.body,
          secret: registered.record.secret,
          signature: d.headers['x-hook-signature'],
        }),
      ).toEqual({ ok: true });
    }

    world.fake.heartbeat(registered.webhook.gid);
    expect(
      await receiver.next((o) => o.kind === 'handled' && o.note.startsWith('heartbeat'), 'heartbeat'),
    ).toEqual({
      kind: 'handled',
      reply: { status: 200 },
      note: `heartbeat of webhook ${registered.webhook.gid}`,
    });

    expect(await removeWebhook({ client, registry, hookKey })).toBe(true);
    expect(world.fake.webhooks.size).toBe(0);
    expect(await client.listWebhooks(world.koala.gid)).toEqual([]);
    expect(await registry.getSecret(hookKey)).toBeNull();
    const before = world.fake.hub.deliveries.length;
    world.fake.updateTask(task.gid, { name: 'renamed' });
    await world.fake.hub.idle();
    expect(world.fake.hub.deliveries).toHaveLength(before);
    expect(await removeWebhook({ client, registry, hookKey })).toBe(false);
  });

  it('nobody plants a secret outside a registration: the handshake is refused and Asana’s create fails', async () => {
    const hookKey = newHookKey();
    const target = webhookTarget(receiver.base, hookKey);
    const planted = await deliverWebhook({
      url: target,
      body: '',
      headers: { 'X-Hook-Secret': 'a'.repeat(64) },
    });
    expect(planted.status).toBe(403);
    expect(planted.headers['x-hook-secret']).toBeUndefined();
    expect(await registry.getSecret(hookKey)).toBeNull();

    // A create vahub did not open a registration for: the receiver refuses the handshake, Asana refuses the webhook.
    const err = await client.createWebhook({ resource: world.koala.gid, target }).catch((e: unknown) => e);
    expect(isConnectorError(err) && err).toMatchObject({
      operation: 'createWebhook',
      status: 400,
      retryable: false,
    });
    expect(world.fake.webhooks.size).toBe(0);
  });

  it('a concurrent impostor handshake is spotted; the stored secret is Asana’s and forged events fail', async () => {
    const { hookKey, target, run } = register();
    const impostorSecret = 'e'.repeat(64);
    receiver.beforeHandshake = async () => {
      const answer = await deliverWebhook({
        url: target,
        body: '',
        headers: { 'X-Hook-Secret': impostorSecret },
      });
      expect(answer.status).toBe(200);
    };
    const registered = await run();
    expect(registered.foreignHandshakes).toBe(1);
    expect(registered.record.secret).toBe(world.fake.webhooks.get(registered.webhook.gid)?.secret);
    expect(registered.record.secret).not.toBe(impostorSecret);

    const forged = JSON.stringify({
      events: [{ action: 'deleted', resource: { gid: '1', resource_type: 'task' } }],
    });
    const signature = signHmacSha256(impostorSecret, forged, 'hex');
    const answer = await deliverWebhook({
      url: target,
      body: forged,
      headers: { 'X-Hook-Signature': signature },
    });
    expect(answer.status).toBe(401);
    expect(receiver.outcomes.at(-1)).toEqual({
      kind: 'rejected',
      reply: { status: 401 },
      reason: 'signature_mismatch',
    });
    expect((await registry.getSecret(hookKey))?.secret).toBe(registered.record.secret);
  });

  it('when the 201 carries no secret, the handshake’s is used, but only if it is the only one offered', async () => {
    world.fake.secretInCreateResponse = false;
    const first = await register().run();
    expect(first.secretSource).toBe('handshake');
    expect(first.record.secret).toBe(world.fake.webhooks.get(first.webhook.gid)?.secret);

    const { hookKey, target, run } = register();
    receiver.beforeHandshake = async () => {
      await deliverWebhook({ url: target, body: '', headers: { 'X-Hook-Secret': 'e'.repeat(64) } });
    };
    const err = await run().catch((e: unknown) => e);
    expect(isConnectorError(err) && err).toMatchObject({ operation: 'registerWebhook', retryable: false });
    expect(String(err)).toContain('webhook deleted');
    expect([...world.fake.webhooks.keys()]).toEqual([first.webhook.gid]);
    expect(await registry.getSecret(hookKey)).toBeNull();
    expect(await registry.getPending(hookKey, Date.now())).toBeNull();
  });

  it('a target Asana refuses (localhost) fails the registration and closes the pending window', async () => {
    const hookKey = newHookKey();
    const target = `http://localhost:9/hooks/asana/${hookKey}`;
    const err = await registerWebhook({
      client,
      registry,
      projectId: world.koala.gid,
      target,
      hookKey,
    }).catch((e: unknown) => e);
    expect(isConnectorError(err) && err).toMatchObject({ operation: 'createWebhook', status: 403 });
    expect(await registry.getPending(hookKey, Date.now())).toBeNull();
    expect(world.fake.hub.deliveries).toEqual([]);
  });
});
