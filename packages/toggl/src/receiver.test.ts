import type { StateStore, WebhookRequest } from '@vahub/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { TogglWebhookReceiver } from './receiver.js';
import type { TogglSubscriptions } from './subscriptions.js';
import { MemoryStateStore } from './test-support/memory-state.js';
import { PING, SECRET, sign, timeEntryEvent } from './test-support/toggl-events.js';

const HOOK = 'hook-0001-koala';

/** `receive` never calls Toggl: a subscriptions client that would throw if it did. */
const noToggl = new Proxy({} as TogglSubscriptions, {
  get: () => () => {
    throw new Error('receive must not call Toggl');
  },
});

const request = (body: string, signature: string | null = sign(body)): WebhookRequest => ({
  hook: HOOK,
  headers: signature === null ? {} : { 'x-webhook-signature-256': signature },
  rawBody: Buffer.from(body),
});

describe('TogglWebhookReceiver.receive', () => {
  let state: MemoryStateStore;
  let receiver: TogglWebhookReceiver;

  beforeEach(async () => {
    state = new MemoryStateStore();
    receiver = new TogglWebhookReceiver({ state, subscriptions: noToggl });
    await receiver.remember({ hook: HOOK, secret: SECRET, workspaceId: '42', subscriptionId: '6' });
  });

  it('takes a route segment per subscription', () => {
    expect(receiver.hooked).toBe(true);
  });

  it('answers a verified PING by echoing its validation_code, as Toggl expects', async () => {
    const outcome = await receiver.receive(request(PING));
    expect(outcome).toMatchObject({
      kind: 'handled',
      reply: { status: 200, headers: { 'content-type': 'application/json' } },
    });
    expect(JSON.parse(outcome.reply.body ?? '')).toEqual({ validation_code: 'a1b2c3' });
  });

  it('answers a PING without a code (a validated subscription) with an empty 200', async () => {
    const body = PING.replace(/"validation_code":"a1b2c3",/, '');
    expect(await receiver.receive(request(body))).toEqual({
      kind: 'handled',
      reply: { status: 200 },
      note: 'Toggl ping',
    });
  });

  it.each([
    ['created', 'created'],
    ['updated', 'changed'],
    ['deleted', 'deleted'],
  ] as const)(
    'accepts "time entry X %s in workspace W" as one event with Toggl’s identity',
    async (action, as) => {
      const body = timeEntryEvent(action);
      const outcome = await receiver.receive(request(body));
      expect(outcome).toEqual({
        kind: 'accepted',
        reply: { status: 200 },
        deliveryId: '6:991',
        events: [
          {
            id: '6:991',
            subject: 'time-entry',
            action: as,
            resourceId: '4100000123',
            scope: '42',
            at: '2026-11-02T10:00:00.000Z',
          },
        ],
      });
    },
  );

  it('gives a redelivery the same event id, so its job collapses onto the first', async () => {
    const body = timeEntryEvent('updated');
    const first = await receiver.receive(request(body));
    const again = await receiver.receive(request(body));
    expect(first.kind === 'accepted' && again.kind === 'accepted').toBe(true);
    if (first.kind === 'accepted' && again.kind === 'accepted') {
      expect(again.events[0]?.id).toBe(first.events[0]?.id);
    }
  });

  it('answers 401 before reading anything when the signature is wrong or missing', async () => {
    const wrong = await receiver.receive(request(PING, sign(PING, 'another-secret-value')));
    expect(wrong).toEqual({
      kind: 'rejected',
      reply: { status: 401 },
      reason: 'Toggl signature refused (signature_mismatch)',
    });
    expect((await receiver.receive(request(PING, null))).reply.status).toBe(401);
    const tampered = await receiver.receive({ ...request(PING), rawBody: Buffer.from(`${PING} `) });
    expect(tampered.reply.status).toBe(401);
  });

  it('answers 400 to a verified body that is not a Toggl event', async () => {
    for (const body of [
      'not json',
      '{"hello":1}',
      timeEntryEvent('updated')
        .replace(/"time_entry_id":"\d+",/, '')
        .replace('"id":4100000123,', ''),
    ]) {
      const outcome = await receiver.receive(request(body));
      expect(outcome).toMatchObject({ kind: 'rejected', reply: { status: 400 } });
    }
  });

  it('answers 404 to a hook it holds no secret for, or no hook at all', async () => {
    for (const hook of ['hook-0002-other', undefined, '../../etc', '']) {
      const outcome = await receiver.receive({ ...request(PING), hook });
      expect(outcome).toMatchObject({ kind: 'rejected', reply: { status: 404 } });
    }
    const stateless = new TogglWebhookReceiver({ state: undefined, subscriptions: noToggl });
    expect((await stateless.receive(request(PING))).reply.status).toBe(404);
  });

  it('acknowledges, and ignores, a signed event of another model', async () => {
    const body = JSON.stringify({
      event_id: 7,
      subscription_id: 6,
      metadata: { action: 'created', model: 'project', workspace_id: '42' },
      payload: { id: 1 },
    });
    expect(await receiver.receive(request(body))).toEqual({
      kind: 'handled',
      reply: { status: 200 },
      note: 'ignored Toggl project created',
    });
  });

  it('answers 503, never throws, when the state store cannot be read', async () => {
    const broken: StateStore = new (class extends MemoryStateStore {
      override async get(): Promise<string | null> {
        throw new Error('connection refused');
      }
    })();
    const outcome = await new TogglWebhookReceiver({ state: broken, subscriptions: noToggl }).receive(
      request(PING),
    );
    expect(outcome).toMatchObject({ kind: 'rejected', reply: { status: 503 } });
  });

  it('refuses to remember a hook id that could not be a route segment, or a short secret', async () => {
    await expect(
      receiver.remember({ hook: 'a/b', secret: SECRET, workspaceId: '42', subscriptionId: null }),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(
      receiver.remember({ hook: HOOK, secret: 'short', workspaceId: '42', subscriptionId: null }),
    ).rejects.toMatchObject({ code: 'validation' });
  });
});

describe('TogglWebhookReceiver built without the API (a receiver-only process)', () => {
  it('verifies deliveries, and refuses to subscribe before storing any secret', async () => {
    const state = new MemoryStateStore();
    const receiver = new TogglWebhookReceiver({ state });
    await receiver.remember({ hook: HOOK, secret: SECRET, workspaceId: '42', subscriptionId: '6' });
    expect(await receiver.receive(request(PING))).toMatchObject({ kind: 'handled' });
    await expect(
      receiver.subscribe({ workspaceId: '42', callbackBase: 'https://va.example/webhooks/toggl' }),
    ).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/subscribe from the worker/),
    });
    expect(await state.keys('')).toHaveLength(1);
  });
});
