import { rejectWebhook, type WebhookOutcome, type WebhookReceiver, type WebhookRequest } from '@vahub/core';
import type { ChannelStore } from './channel-store.js';
import { CHANNEL_ID } from './channels.js';
import { verifyChannelNotification } from './notification.js';

const REQUIRED = [
  'x-goog-channel-id',
  'x-goog-resource-id',
  'x-goog-resource-state',
  'x-goog-message-number',
] as const;

const MESSAGE_NUMBER = /^[1-9]\d{0,18}$/;

/**
 * Google push notifications (`/webhooks/google`, no per-hook segment: the channel id is in a header).
 * Google signs nothing; the channel token it echoes is the proof, compared in constant time with the
 * token kept for that channel. `sync` (the channel opened) needs nothing more; `exists`/`not_exists`
 * say "the calendar changed": one event whose id is the channel and message number, so a redelivery
 * collapses onto the first. Never throws.
 */
export function googleWebhooks(channels: ChannelStore | undefined): WebhookReceiver {
  return {
    hooked: false,
    async receive(request: WebhookRequest): Promise<WebhookOutcome> {
      const missing = REQUIRED.filter((name) => !request.headers[name]);
      if (missing.length > 0)
        return rejectWebhook(400, `not a Google notification: no ${missing.join(', ')}`);
      const channelId = request.headers['x-goog-channel-id'] as string;
      const number = request.headers['x-goog-message-number'] as string;
      if (!CHANNEL_ID.test(channelId)) return rejectWebhook(400, 'the channel id is not one Google allows');
      if (!MESSAGE_NUMBER.test(number)) return rejectWebhook(400, 'the message number is not a number');
      if (!channels) return rejectWebhook(404, 'no channel store: vahub keeps no channels to verify against');
      let channel: Awaited<ReturnType<ChannelStore['get']>>;
      try {
        channel = await channels.get(channelId);
      } catch {
        // Google retries a 503 with backoff: the notification is not lost to a passing outage.
        return rejectWebhook(503, 'the channel store could not be read');
      }
      if (!channel) return rejectWebhook(404, `unknown channel ${channelId}`);
      const verified = verifyChannelNotification({
        headers: request.headers,
        expectedToken: channel.token,
        channelId: channel.id,
        resourceId: channel.resourceId,
      });
      if (!verified.ok) {
        if (verified.error === 'bad_resource_state')
          return rejectWebhook(400, 'unknown X-Goog-Resource-State');
        if (verified.error === 'resource_mismatch')
          return rejectWebhook(404, `channel ${channelId} does not watch that resource`);
        return rejectWebhook(401, `the channel token does not match (${verified.error})`);
      }
      if (verified.resourceState === 'sync') {
        return { kind: 'handled', reply: { status: 200 }, note: `channel ${channelId} is open (sync)` };
      }
      const id = `${channelId}.${number}`;
      return {
        kind: 'accepted',
        reply: { status: 200 },
        deliveryId: id,
        events: [
          {
            id,
            subject: 'calendar',
            action: verified.resourceState === 'not_exists' ? 'deleted' : 'changed',
            resourceId: null,
            scope: channelId,
            at: null,
          },
        ],
      };
    },
  };
}
