import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelNeedsRenewal, type WatchChannel } from './channels.js';
import { type NotificationVerification, verifyChannelNotification } from './notification.js';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

/** vahub's webhook receiver in miniature: verify with the channel's token, answer 200 or 401. */
async function startReceiver(tokenOf: (channelId: string) => string | undefined) {
  const seen: NotificationVerification[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const channelId = String(req.headers['x-goog-channel-id'] ?? '');
    const result = verifyChannelNotification({ headers: req.headers, expectedToken: tokenOf(channelId) });
    seen.push(result);
    req.resume();
    res.writeHead(result.ok ? 200 : 401).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/google/notifications`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('push channels', () => {
  let fake: FakeGoogle;
  let va: Connected;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const channels = new Map<string, WatchChannel>();
  beforeEach(async () => {
    fake = await startFake();
    va = await connect(fake);
    channels.clear();
    receiver = await startReceiver((id) => channels.get(id)?.token);
  });
  afterEach(async () => {
    await fake.stop();
    await receiver.close();
  });

  it('opens a channel whose notifications carry its token and verify; a change sends "exists"', async () => {
    const channel = await va.calendar.watch({ address: receiver.url, ttlMs: 86_400_000 });
    channels.set(channel.id, channel);
    expect(channel.id.length).toBeLessThanOrEqual(64);
    expect(channel.token.length).toBeGreaterThanOrEqual(32);
    const watch = fake.apiRequests('POST', /\/events\/watch$/)[0];
    expect(watch?.json).toMatchObject({
      id: channel.id,
      type: 'web_hook',
      address: receiver.url,
      token: channel.token,
    });

    const sync = await fake.waitForNotification((n) => n.channelId === channel.id && n.state === 'sync');
    expect(sync.status).toBe(200);
    await va.calendar.upsertBlock(makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' }));
    const change = await fake.waitForNotification((n) => n.channelId === channel.id && n.state === 'exists');
    expect(change).toMatchObject({ status: 200, messageNumber: 2 });
    expect(receiver.seen).toContainEqual({
      ok: true,
      channelId: channel.id,
      resourceId: channel.resourceId,
      resourceState: 'exists',
      messageNumber: 2,
      expiresAt: Math.floor(channel.expiresAt / 1000) * 1000,
    });
  });

  it('renews before expiry: a new channel first, then the old one is stopped and falls silent', async () => {
    const old = await va.calendar.watch({ address: receiver.url, ttlMs: 3_600_000 });
    channels.set(old.id, old);
    expect(channelNeedsRenewal(old, Date.now())).toBe(true);
    expect(channelNeedsRenewal(old, Date.now(), 60_000)).toBe(false);

    const renewed = await va.calendar.renewChannel(old, { ttlMs: 7 * 86_400_000 });
    channels.set(renewed.id, renewed);
    expect(renewed.id).not.toBe(old.id);
    expect(renewed.token).toBe(old.token);
    const calls = fake.apiRequests('POST').map((r) => r.path.split('/').slice(-2).join('/'));
    expect(calls).toEqual(['events/watch', 'events/watch', 'channels/stop']);
    expect(fake.apiRequests('POST', /channels\/stop$/)[0]?.json).toEqual({
      id: old.id,
      resourceId: old.resourceId,
    });
    expect(fake.liveChannels().map((c) => c.id)).toEqual([renewed.id]);

    fake.seedEvent('primary', {
      summary: 'Call',
      start: { dateTime: '2026-11-30T11:00:00Z' },
      end: { dateTime: '2026-11-30T12:00:00Z' },
    });
    await fake.waitForNotification((n) => n.channelId === renewed.id && n.state === 'exists');
    expect(fake.notifications.filter((n) => n.channelId === old.id).map((n) => n.state)).toEqual(['sync']);

    await va.calendar.stopChannel(renewed);
    await va.calendar.stopChannel(renewed); // already stopped: not an error
    expect(fake.liveChannels()).toEqual([]);
  });

  it('a notification with a wrong token is refused by the receiver', async () => {
    const channel = await va.calendar.watch({ address: receiver.url });
    channels.set(channel.id, { ...channel, token: 'a-different-secret-token' });
    const sync = await fake.waitForNotification((n) => n.channelId === channel.id);
    expect(sync.status).toBe(401);
    expect(receiver.seen).toEqual([{ ok: false, error: 'token_mismatch' }]);
  });
});

describe('verifyChannelNotification', () => {
  const headers = {
    'X-Goog-Channel-ID': 'vahub-1',
    'X-Goog-Channel-Token': 'channel-secret-token',
    'X-Goog-Channel-Expiration': 'Tue, 08 Dec 2026 09:00:00 GMT',
    'X-Goog-Resource-ID': 'res-1',
    'X-Goog-Resource-URI': 'https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json',
    'X-Goog-Resource-State': 'exists',
    'X-Goog-Message-Number': '7',
  };
  const check = (h: Record<string, string | undefined>, extra: object = {}) =>
    verifyChannelNotification({ headers: h, expectedToken: 'channel-secret-token', ...extra });

  it('accepts a genuine notification, reading the headers in any case', () => {
    expect(check(headers)).toEqual({
      ok: true,
      channelId: 'vahub-1',
      resourceId: 'res-1',
      resourceState: 'exists',
      messageNumber: 7,
      expiresAt: Date.parse('2026-12-08T09:00:00Z'),
    });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(check(lower).ok).toBe(true);
    expect(
      check({ ...headers, 'X-Goog-Resource-State': 'sync', 'X-Goog-Message-Number': '1' }),
    ).toMatchObject({ resourceState: 'sync' });
  });

  it('refuses every way of being wrong, with a reason and without throwing', () => {
    expect(verifyChannelNotification({ headers, expectedToken: '' })).toEqual({
      ok: false,
      error: 'missing_secret',
    });
    expect(check({ ...headers, 'X-Goog-Channel-Token': undefined })).toEqual({
      ok: false,
      error: 'missing_token',
    });
    expect(check({ ...headers, 'X-Goog-Channel-Token': 'channel-secret-tokeN' })).toEqual({
      ok: false,
      error: 'token_mismatch',
    });
    expect(check({ ...headers, 'X-Goog-Channel-Token': 'channel-secret-token-longer' })).toEqual({
      ok: false,
      error: 'token_mismatch',
    });
    expect(check({ ...headers, 'X-Goog-Resource-ID': undefined })).toEqual({
      ok: false,
      error: 'missing_channel',
    });
    expect(check(headers, { channelId: 'vahub-2' })).toEqual({ ok: false, error: 'channel_mismatch' });
    expect(check(headers, { resourceId: 'res-2' })).toEqual({ ok: false, error: 'resource_mismatch' });
    expect(check({ ...headers, 'X-Goog-Resource-State': 'deleted' })).toEqual({
      ok: false,
      error: 'bad_resource_state',
    });
  });
});
