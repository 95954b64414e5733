import { rejectWebhook, signHmacSha256, verifyHmacSha256, type WebhookReceiver } from '@vahub/core';
import { deferred } from '@vahub/testkit';
import { z } from 'zod';

// Small receivers written for these tests, in the shape every connector's receiver has: the real
// connectors' receivers are tested end to end at the root.

const body = z.object({
  deliveryId: z.string().min(1),
  events: z.array(
    z.object({
      id: z.string().min(1),
      task: z.string().min(1),
      action: z.enum(['created', 'changed', 'deleted']),
    }),
  ),
});

/** One secret per hook, like a task vendor's subscriptions; a handshake header is echoed back. */
export function signedReceiver(secrets: ReadonlyMap<string, string>): WebhookReceiver {
  return {
    hooked: true,
    async receive({ hook, headers, rawBody }) {
      const secret = hook === undefined ? undefined : secrets.get(hook);
      if (!secret) return rejectWebhook(404, 'no such hook');
      const handshake = headers['x-test-handshake'];
      if (handshake !== undefined) {
        if (rawBody.length > 0 || !/^[a-z0-9]{16,64}$/.test(handshake))
          return rejectWebhook(400, 'malformed handshake');
        return {
          kind: 'handled',
          reply: { status: 200, headers: { 'x-hook-secret': handshake } },
          note: 'handshake',
        };
      }
      const check = verifyHmacSha256({
        rawBody,
        secret,
        signature: headers['x-test-signature'],
        encoding: 'hex',
      });
      if (!check.ok) return rejectWebhook(401, `signature: ${check.error}`);
      if (!/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? ''))
        return rejectWebhook(400, 'the body is not JSON');
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return rejectWebhook(400, 'the body is not valid JSON');
      }
      const parsed = body.safeParse(json);
      if (!parsed.success) return rejectWebhook(400, 'the body is not a delivery');
      return {
        kind: 'accepted',
        reply: { status: 200 },
        deliveryId: parsed.data.deliveryId,
        events: parsed.data.events.map((e) => ({
          id: e.id,
          subject: 'task',
          action: e.action,
          resourceId: e.task,
          scope: hook ?? null,
          at: null,
        })),
      };
    },
  };
}

/** Sign a delivery as the signed receiver's vendor would. */
export function signedDelivery(secret: string, delivery: z.input<typeof body>) {
  const raw = JSON.stringify(delivery);
  return { raw, signature: signHmacSha256(secret, raw, 'hex') };
}

/** No hook and no body: a calendar-style "something changed" ping carrying a channel token. */
export function pingReceiver(token: string): WebhookReceiver {
  return {
    hooked: false,
    async receive({ headers }) {
      if (headers['x-test-token'] !== token) return rejectWebhook(401, 'unknown channel token');
      const id = headers['x-test-message'];
      if (!id || !/^\d{1,20}$/.test(id)) return rejectWebhook(400, 'no message number');
      return {
        kind: 'accepted',
        reply: { status: 200 },
        deliveryId: id,
        events: [
          {
            id: `ping-${id}`,
            subject: 'calendar',
            action: 'changed',
            resourceId: null,
            scope: 'primary',
            at: null,
          },
        ],
      };
    },
  };
}

/** A receiver with a bug: it throws on whatever it gets. */
export const brokenReceiver: WebhookReceiver = {
  hooked: false,
  async receive({ rawBody }) {
    JSON.parse(rawBody.toString('utf8'));
    throw new TypeError('cannot read properties of undefined (reading "events")');
  },
};

/** A receiver that accepts an event no job can carry (an empty id). */
export const sloppyReceiver: WebhookReceiver = {
  hooked: false,
  async receive() {
    return {
      kind: 'accepted',
      reply: { status: 200 },
      deliveryId: 'd',
      events: [
        { id: 'fine', subject: 'invoice', action: 'changed', resourceId: 'inv-1', scope: null, at: null },
        { id: '', subject: 'invoice', action: 'changed', resourceId: 'inv-2', scope: null, at: null },
      ],
    };
  },
};

/** A receiver that waits until told to answer: a request in flight. */
export function gatedReceiver(): { receiver: WebhookReceiver; entered: Promise<void>; open: () => void } {
  const entered = deferred();
  const gate = deferred();
  return {
    entered: entered.promise,
    open: () => gate.resolve(),
    receiver: {
      hooked: false,
      async receive() {
        entered.resolve();
        await gate.promise;
        return { kind: 'handled', reply: { status: 204 }, note: 'gated' };
      },
    },
  };
}
