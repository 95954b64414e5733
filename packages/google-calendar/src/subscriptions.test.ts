import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookOutcome } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

/** The connector's own receiver behind node:http, as the webhook app runs it at `/webhooks/google`. */
async function startReceiver(va: Connected) {
  const outcomes: WebhookOutcome[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const outcome = await va.instance.webhooks.receive({
      hook: undefined,
      headers,
      rawBody: Buffer.concat(chunks),
    });
    outcomes.push(outcome);
    res.writeHead(outcome.reply.status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    publicUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    outcomes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('GoogleSubscriptions (the subscriptions capability): a push channel kept and renewed', () => {
  let fake: FakeGoogle;
  let va: Connected;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    fake = await startFake();
    va = await connect(fake);
    receiver = await startReceiver(va);
  });
  afterEach(async () => {
    await fake.stop();
    await receiver.close();
  });

  const subscriptions = () => {
    const s = va.instance.subscriptions;
    if (!s) throw new Error('built with a state store, the connector offers subscriptions');
    return s;
  };
  const watches = () => fake.apiRequests('POST', /\/events\/watch$/).length;
  const live = () => [...fake.channels.channels.values()].filter((c) => !c.stopped);

  it('opens one channel on the calendar at the public URL; its notifications verify; a second ensure keeps it', async () => {
    const { publicUrl } = receiver;
    const first = await subscriptions().ensure({ publicUrl });
    expect(first.created).toHaveLength(1);
    const channel = first.created[0];
    expect(channel).toMatchObject({ scope: 'primary', address: `${publicUrl}/webhooks/google` });
    expect(channel?.expiresAt).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(await subscriptions().list()).toEqual(first.created);

    await va.calendar.upsertBlock(makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' }));
    const change = await fake.waitForNotification((n) => n.channelId === channel?.id && n.state === 'exists');
    expect(change.status).toBe(200);
    expect(receiver.outcomes.some((o) => o.kind === 'accepted')).toBe(true);

    const again = await subscriptions().ensure({ publicUrl });
    expect(again).toEqual({ created: [], removed: [], kept: first.created });
    expect(watches()).toBe(1);
  });

  it('renews before expiry: the new channel is opened, then the old one stopped', async () => {
    const { publicUrl } = receiver;
    const first = await subscriptions().ensure({ publicUrl });
    // Within the margin: a week-long channel is due when the margin is longer than a week.
    const renewed = await subscriptions().renew({ publicUrl, renewWithinMs: 8 * 86_400_000 });
    expect(renewed.removed.map((s) => s.id)).toEqual([first.created[0]?.id]);
    expect(renewed.created).toHaveLength(1);
    expect(renewed.created[0]?.id).not.toBe(first.created[0]?.id);
    expect(live().map((c) => c.id)).toEqual([renewed.created[0]?.id]);
    expect((await subscriptions().list()).map((s) => s.id)).toEqual([renewed.created[0]?.id]);
    // Not due with the default margin: kept.
    expect((await subscriptions().renew({ publicUrl })).kept.map((s) => s.id)).toEqual([
      renewed.created[0]?.id,
    ]);
  });

  it('a new public URL: a channel there, the old one stopped at Google and forgotten', async () => {
    const first = await subscriptions().ensure({ publicUrl: receiver.publicUrl });
    const elsewhere = `${receiver.publicUrl}/v2`;
    const moved = await subscriptions().ensure({ publicUrl: elsewhere });
    expect(moved.removed.map((s) => s.id)).toEqual([first.created[0]?.id]);
    expect(moved.created[0]?.address).toBe(`${elsewhere}/webhooks/google`);
    expect(live().map((c) => c.address)).toEqual([`${elsewhere}/webhooks/google`]);
  });
});
