import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StateStore, WebhookOutcome, WebhookReceiver } from '@vahub/core';
import { deliverWebhook } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelStore } from './channel-store.js';
import type { WatchChannel } from './channels.js';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import { type FakeGoogle, MemoryStateStore } from './testing/index.js';
import { googleWebhooks } from './webhooks.js';

/** The service's webhook route in miniature: raw bytes and lower-cased headers in, the outcome's reply out. */
async function startReceiver(receiver: WebhookReceiver) {
  const outcomes: WebhookOutcome[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined)
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      const outcome = await receiver.receive({ hook: undefined, headers, rawBody: Buffer.concat(chunks) });
      outcomes.push(outcome);
      res.writeHead(outcome.reply.status, outcome.reply.headers).end(outcome.reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/google`,
    outcomes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the Google webhook receiver, fed by the fake over HTTP', () => {
  let fake: FakeGoogle;
  let va: Connected;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    fake = await startFake();
    va = await connect(fake);
    receiver = await startReceiver(va.instance.webhooks);
  });
  afterEach(async () => {
    await fake.stop();
    await receiver.close();
  });

  it('handles the sync, accepts a change as one calendar event, and collapses a redelivery onto it', async () => {
    const channel = await va.calendar.watch({ address: receiver.url });
    const sync = await fake.waitForNotification((n) => n.channelId === channel.id && n.state === 'sync');
    expect(sync.status).toBe(200);
    expect(receiver.outcomes[0]).toMatchObject({ kind: 'handled', reply: { status: 200 } });

    await va.calendar.upsertBlock(makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' }));
    const change = await fake.waitForNotification((n) => n.channelId === channel.id && n.state === 'exists');
    expect(change.status).toBe(200);
    const id = `${channel.id}.2`;
    expect(receiver.outcomes[1]).toEqual({
      kind: 'accepted',
      reply: { status: 200 },
      deliveryId: id,
      events: [{ id, subject: 'calendar', action: 'changed', resourceId: null, scope: channel.id, at: null }],
    });

    // Google retries a notification it thinks failed: the same channel and message number.
    const again = await deliverWebhook({ url: receiver.url, body: '', headers: change.headers });
    expect(again.status).toBe(200);
    expect(receiver.outcomes[2]).toMatchObject({ kind: 'accepted', deliveryId: id });
  });

  it('verifies a renewed channel with the same token, and forgets the one it stopped', async () => {
    const old = await va.calendar.watch({ address: receiver.url, ttlMs: 3_600_000 });
    const oldSync = await fake.waitForNotification((n) => n.channelId === old.id);
    const renewed = await va.calendar.renewChannel(old, { ttlMs: 7 * 86_400_000 });
    expect((await va.calendar.channels()).map((c) => c.id)).toEqual([renewed.id]);
    expect(await va.state.keys('')).toEqual([`google:channel:${renewed.id}`]);

    fake.seedEvent('primary', {
      summary: 'Call',
      start: { dateTime: '2026-11-30T11:00:00Z' },
      end: { dateTime: '2026-11-30T12:00:00Z' },
    });
    const change = await fake.waitForNotification((n) => n.channelId === renewed.id && n.state === 'exists');
    expect(change.status).toBe(200);
    const late = await deliverWebhook({ url: receiver.url, body: '', headers: oldSync.headers });
    expect(late.status).toBe(404);
    expect(receiver.outcomes.at(-1)).toMatchObject({ kind: 'rejected', reason: `unknown channel ${old.id}` });
  });

  it('renews what is due and leaves the rest', async () => {
    const soon = await va.calendar.watch({ address: receiver.url, ttlMs: 30 * 60_000 });
    const later = await va.calendar.watch({ address: receiver.url, ttlMs: 5 * 86_400_000 });
    const renewed = await va.calendar.renewDueChannels(3_600_000);
    expect(renewed).toHaveLength(1);
    expect(renewed[0]?.token).toBe(soon.token);
    const kept = (await va.calendar.channels()).map((c) => c.id).sort();
    expect(kept).toEqual([later.id, renewed[0]?.id].sort());
    expect(
      fake
        .liveChannels()
        .map((c) => c.id)
        .sort(),
    ).toEqual(kept);
  });
});

class UnreachableStore implements StateStore {
  private fail(): never {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  }
  get = async () => this.fail();
  set = async () => this.fail();
  setIfAbsent = async () => this.fail();
  delete = async () => this.fail();
  keys = async () => this.fail();
}

describe('the Google webhook receiver, case by case', () => {
  const channel: WatchChannel = {
    id: 'vahub-0b8d6c3e-5a7f-4a52-9e0d-1f2a3b4c5d6e',
    resourceId: 'resource-abc',
    calendarId: 'primary',
    token: 'channel-secret-token-0123456789',
    address: 'https://vahub.example/webhooks/google',
    expiresAt: Date.now() + 86_400_000,
  };
  const headers = {
    'x-goog-channel-id': channel.id,
    'x-goog-channel-token': channel.token,
    'x-goog-channel-expiration': new Date(channel.expiresAt).toUTCString(),
    'x-goog-resource-id': channel.resourceId,
    'x-goog-resource-uri': 'https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json',
    'x-goog-resource-state': 'exists',
    'x-goog-message-number': '7',
  };
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    const channels = new ChannelStore(new MemoryStateStore(), Date.now);
    await channels.save(channel);
    receiver = googleWebhooks(channels);
  });
  const receive = (h: Record<string, string | undefined>, r = receiver) =>
    r.receive({
      hook: undefined,
      headers: Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined)),
      rawBody: Buffer.alloc(0),
    });

  it('takes no hook segment', () => {
    expect(receiver.hooked).toBe(false);
  });

  it('accepts a deletion as a "deleted" event of the channel', async () => {
    expect(await receive({ ...headers, 'x-goog-resource-state': 'not_exists' })).toMatchObject({
      kind: 'accepted',
      events: [{ id: `${channel.id}.7`, action: 'deleted', subject: 'calendar', scope: channel.id }],
    });
  });

  const rejected: [string, Record<string, string | undefined>, number][] = [
    ['no channel id', { ...headers, 'x-goog-channel-id': undefined }, 400],
    ['no resource id', { ...headers, 'x-goog-resource-id': undefined }, 400],
    ['no resource state', { ...headers, 'x-goog-resource-state': undefined }, 400],
    ['no message number', { ...headers, 'x-goog-message-number': undefined }, 400],
    ['a message number that is not one', { ...headers, 'x-goog-message-number': '7; drop' }, 400],
    ['a channel id Google would not allow', { ...headers, 'x-goog-channel-id': 'a b' }, 400],
    ['a state Google does not send', { ...headers, 'x-goog-resource-state': 'deleted' }, 400],
    ['an unknown channel', { ...headers, 'x-goog-channel-id': 'vahub-someone-else' }, 404],
    ['no token', { ...headers, 'x-goog-channel-token': undefined }, 401],
    ['a wrong token', { ...headers, 'x-goog-channel-token': `${channel.token}x` }, 401],
    ['another resource', { ...headers, 'x-goog-resource-id': 'resource-other' }, 404],
  ];
  for (const [what, h, status] of rejected) {
    it(`rejects ${what} with ${status}`, async () => {
      const outcome = await receive(h);
      expect(outcome).toMatchObject({ kind: 'rejected', reply: { status } });
      // The reason is plain words, never the request's bytes (the token least of all).
      if (outcome.kind === 'rejected') expect(outcome.reason).not.toContain(channel.token);
    });
  }

  it('answers 503 when the channel store cannot be read (Google retries), and 404 without a store', async () => {
    expect(
      await receive(headers, googleWebhooks(new ChannelStore(new UnreachableStore(), Date.now))),
    ).toMatchObject({ kind: 'rejected', reply: { status: 503 } });
    expect(await receive(headers, googleWebhooks(undefined))).toMatchObject({
      kind: 'rejected',
      reply: { status: 404 },
    });
  });
});
