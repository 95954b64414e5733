import { MemoryStateStore, signHmacSha256, type WebhookOutcome } from '@vahub/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { AsanaWebhookReceiver } from './receive.js';
import { StateHandshakeRegistry } from './registry.js';

const secret = 'f'.repeat(64);
let registry: StateHandshakeRegistry;
let now: number;

beforeEach(() => {
  now = 0;
  registry = new StateHandshakeRegistry(new MemoryStateStore(() => now), { now: () => now });
});

const pending = (expiresAt = 10_000) =>
  registry.openPending({
    hookKey: 'k1',
    projectId: '11',
    target: 'https://hooks.example/asana/k1',
    expiresAt,
  });

function receive(input: {
  hook: string | undefined;
  headers: Record<string, string>;
  rawBody: string | Buffer;
  at?: number;
  maxHandshakes?: number;
}): Promise<WebhookOutcome> {
  const receiver = new AsanaWebhookReceiver({
    registry,
    now: () => input.at ?? now,
    ...(input.maxHandshakes ? { maxHandshakes: input.maxHandshakes } : {}),
  });
  return receiver.receive({
    hook: input.hook,
    headers: input.headers,
    rawBody: Buffer.from(input.rawBody),
  });
}

const rejected = (status: number, reason: string) => ({ kind: 'rejected', reply: { status }, reason });

describe('handshake: only during a registration vahub started', () => {
  it('echoes X-Hook-Secret while pending, and notes what was offered', async () => {
    await pending();
    const outcome = await receive({
      hook: 'k1',
      headers: { 'x-hook-secret': secret },
      rawBody: '',
      at: 5_000,
    });
    expect(outcome).toEqual({
      kind: 'handled',
      reply: { status: 200, headers: { 'X-Hook-Secret': secret } },
      note: 'handshake 1 of the registration for project 11',
    });
    expect(await registry.offered('k1')).toEqual([secret]);
  });

  it('refuses with 403 when nothing is pending, when the pending one expired, or for another key', async () => {
    const offer = (hook: string, at: number) =>
      receive({ hook, headers: { 'x-hook-secret': secret }, rawBody: '', at });
    expect(await offer('k1', 0)).toEqual(rejected(403, 'no_pending_registration'));
    await pending(10_000);
    expect(await offer('k2', 5_000)).toEqual(rejected(403, 'no_pending_registration'));
    expect(await offer('k1', 10_001)).toEqual(rejected(403, 'no_pending_registration'));
    expect(await registry.offered('k1')).toEqual([]);
    // A stored secret is never replaced by a handshake: once registered, handshakes are refused.
    await registry.saveSecret({
      hookKey: 'k3',
      webhookId: '9',
      projectId: '11',
      target: 't',
      secret,
      createdAt: '',
    });
    expect(await offer('k3', 0)).toMatchObject({ reply: { status: 403 } });
    expect((await registry.getSecret('k3'))?.secret).toBe(secret);
  });

  it('refuses malformed secrets and a flood of handshakes', async () => {
    await pending();
    const offer = (s: string) =>
      receive({ hook: 'k1', headers: { 'x-hook-secret': s }, rawBody: '', at: 0, maxHandshakes: 2 });
    expect(await offer('short')).toEqual(rejected(400, 'malformed_secret'));
    expect(await offer(`${'a'.repeat(20)} ${'b'.repeat(20)}`)).toEqual(rejected(400, 'malformed_secret'));
    expect(await offer('a'.repeat(32))).toMatchObject({ kind: 'handled', reply: { status: 200 } });
    expect(await offer('b'.repeat(32))).toMatchObject({ kind: 'handled', reply: { status: 200 } });
    expect(await offer('c'.repeat(32))).toEqual(rejected(403, 'too_many_handshakes'));
  });

  it('counts concurrent handshakes exactly (each takes its own slot in the store)', async () => {
    await pending();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        receive({ hook: 'k1', headers: { 'x-hook-secret': `${i}`.repeat(20) }, rawBody: '', at: 0 }),
      ),
    );
    expect(outcomes.filter((o) => o.kind === 'handled')).toHaveLength(5);
    expect(outcomes.filter((o) => o.kind === 'rejected')).toHaveLength(3);
    expect((await registry.offered('k1')).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `${i}`.repeat(20)).sort(),
    );
  });
});

describe('deliveries', () => {
  const events = JSON.stringify({
    events: [
      {
        action: 'changed',
        resource: { gid: '7', resource_type: 'task' },
        created_at: '2026-11-28T10:00:00.000Z',
      },
      {
        action: 'added',
        resource: { gid: '8', resource_type: 'story' },
        parent: { gid: '7', resource_type: 'task' },
      },
      { action: 'deleted', resource: { gid: '9', resource_type: 'task' } },
    ],
  });
  const save = () =>
    registry.saveSecret({
      hookKey: 'k1',
      webhookId: '900',
      projectId: '11',
      target: 't',
      secret,
      createdAt: '',
    });
  const signed = (body: string) => ({ 'x-hook-signature': signHmacSha256(secret, body, 'hex') });

  it('verifies and accepts a signed delivery: one event per task event; the delivery id is the body hash', async () => {
    await save();
    const outcome = await receive({ hook: 'k1', headers: signed(events), rawBody: events });
    expect(outcome).toEqual({
      kind: 'accepted',
      reply: { status: 200 },
      deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/),
      events: [
        {
          id: expect.stringMatching(/^asana-[0-9a-f]{40}$/),
          subject: 'task',
          action: 'changed',
          resourceId: '7',
          scope: '11',
          at: '2026-11-28T10:00:00.000Z',
        },
        {
          id: expect.stringMatching(/^asana-[0-9a-f]{40}$/),
          subject: 'task',
          action: 'deleted',
          resourceId: '9',
          scope: '11',
          at: null,
        },
      ],
    });
  });

  it('a redelivery, and the same event in another batch, get the same event ids', async () => {
    await save();
    const first = await receive({ hook: 'k1', headers: signed(events), rawBody: events });
    const again = await receive({ hook: 'k1', headers: signed(events), rawBody: events });
    const parsed = JSON.parse(events) as { events: unknown[] };
    const rebatched = JSON.stringify({
      events: [parsed.events[2], { action: 'undeleted', resource: { gid: '7', resource_type: 'task' } }],
    });
    const other = await receive({ hook: 'k1', headers: signed(rebatched), rawBody: rebatched });
    if (first.kind !== 'accepted' || again.kind !== 'accepted' || other.kind !== 'accepted')
      throw new Error('expected three accepted deliveries');
    expect(again.deliveryId).toBe(first.deliveryId);
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(other.deliveryId).not.toBe(first.deliveryId);
    expect(other.events[0]?.id).toBe(first.events[1]?.id);
    expect(other.events[1]).toMatchObject({ action: 'created', resourceId: '7' });
    expect(new Set([...first.events, ...other.events].map((e) => e.id)).size).toBe(3);
  });

  it('acknowledges a heartbeat, and a batch with no task events', async () => {
    await save();
    const heartbeat = '{"events":[]}';
    expect(await receive({ hook: 'k1', headers: signed(heartbeat), rawBody: heartbeat })).toEqual({
      kind: 'handled',
      reply: { status: 200 },
      note: 'heartbeat of webhook 900',
    });
    const stories = JSON.stringify({
      events: [{ action: 'added', resource: { gid: '8', resource_type: 'story' } }],
    });
    expect(await receive({ hook: 'k1', headers: signed(stories), rawBody: stories })).toMatchObject({
      kind: 'handled',
      reply: { status: 200 },
    });
  });

  it('401 for a bad or missing signature, 400 for a signed body that is not an event batch', async () => {
    await save();
    const bad = await receive({
      hook: 'k1',
      headers: { 'x-hook-signature': 'ab'.repeat(32) },
      rawBody: events,
    });
    expect(bad).toEqual(rejected(401, 'signature_mismatch'));
    expect(await receive({ hook: 'k1', headers: {}, rawBody: events })).toEqual(
      rejected(401, 'missing_signature'),
    );
    const junk = 'hello';
    expect(await receive({ hook: 'k1', headers: signed(junk), rawBody: junk })).toEqual(
      rejected(400, 'not_json'),
    );
    const notBatch = '{"data":[]}';
    expect(await receive({ hook: 'k1', headers: signed(notBatch), rawBody: notBatch })).toEqual(
      rejected(400, 'not_an_event_batch'),
    );
  });

  it('410 (Asana then deletes the webhook) for a key vahub does not know; 503 mid-registration; 404 without a key', async () => {
    expect(await receive({ hook: 'nope', headers: {}, rawBody: events })).toEqual(
      rejected(410, 'unknown_webhook'),
    );
    await pending(60_000);
    expect(await receive({ hook: 'k1', headers: {}, rawBody: events })).toEqual(
      rejected(503, 'registration_in_progress'),
    );
    expect(await receive({ hook: undefined, headers: {}, rawBody: events })).toEqual(
      rejected(404, 'no_hook_key'),
    );
  });

  it('a store that fails or holds something unreadable is a 503 (Asana retries), never a throw or a 410', async () => {
    const state = new MemoryStateStore();
    await state.set('asana:webhooks:hook:k1', '{"not":"a record"}');
    const broken = new AsanaWebhookReceiver({ registry: new StateHandshakeRegistry(state) });
    expect(await broken.receive({ hook: 'k1', headers: {}, rawBody: Buffer.from(events) })).toEqual(
      rejected(503, 'state_unavailable'),
    );
    /** A store whose reads fail, as a Redis that went away does. */
    class Unreachable extends MemoryStateStore {
      override async get(): Promise<string | null> {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      }
    }
    const failing = new AsanaWebhookReceiver({ registry: new StateHandshakeRegistry(new Unreachable()) });
    expect(await failing.receive({ hook: 'k1', headers: {}, rawBody: Buffer.from(events) })).toEqual(
      rejected(503, 'state_unavailable'),
    );
  });
});
