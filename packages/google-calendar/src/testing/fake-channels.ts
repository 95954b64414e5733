import { createHash } from 'node:crypto';
import { type HubDelivery, WebhookHub } from '@vahub/testkit';
import { badRequest, GoogleApiError } from './google-errors.js';

export interface FakeChannel {
  id: string;
  resourceId: string;
  resourceUri: string;
  calendarId: string;
  address: string;
  token: string | undefined;
  expiresAt: number;
  stopped: boolean;
  messageNumber: number;
}

/** One notification the fake POSTed, and how the receiver answered. */
export interface DeliveredNotification {
  channelId: string;
  state: 'sync' | 'exists' | 'not_exists';
  messageNumber: number;
  headers: Record<string, string>;
  status: number | null;
  error?: string;
}

const CHANNEL_ID = /^[A-Za-z0-9\-_+/=]+$/;

type NotificationMeta = Pick<DeliveredNotification, 'channelId' | 'state' | 'messageNumber'>;

function notificationOf(delivery: HubDelivery<NotificationMeta>): DeliveredNotification {
  return {
    ...delivery.meta,
    headers: delivery.headers,
    status: delivery.status,
    ...(delivery.error === null ? {} : { error: delivery.error }),
  };
}

/**
 * Push channels: `watch` opens one and POSTs a `sync` message, every change to the calendar's events
 * POSTs `exists` with the channel token and the `X-Goog-*` headers and an empty body; `channels.stop`
 * or expiry ends it. Deliveries go through testkit's hub, in order per channel.
 */
export class FakeChannels {
  readonly channels = new Map<string, FakeChannel>();
  readonly hub = new WebhookHub<NotificationMeta>({ name: 'google', timeoutMs: 5000 });

  constructor(
    private readonly options: {
      now: () => number;
      maxTtlMs: number;
      defaultTtlMs: number;
      apiBase: () => string;
    },
  ) {}

  /** Every notification sent and answered so far, in the order they were answered. */
  get delivered(): DeliveredNotification[] {
    return this.hub.deliveries.map(notificationOf);
  }

  /** The first notification (already answered or yet to be) matching `predicate`, within `timeoutMs`. */
  async waitFor(
    predicate: (n: DeliveredNotification) => boolean,
    timeoutMs: number,
  ): Promise<DeliveredNotification> {
    return notificationOf(await this.hub.waitForDelivery((d) => predicate(notificationOf(d)), timeoutMs));
  }

  open(calendarId: string, body: unknown): Record<string, unknown> {
    const request = (body ?? {}) as Record<string, unknown>;
    const id = typeof request.id === 'string' ? request.id : '';
    if (!id || id.length > 64 || !CHANNEL_ID.test(id))
      throw badRequest('Channel id is invalid.', 'invalid', 'id');
    if (this.channels.has(id)) throw badRequest('Channel id not unique.', 'channelIdNotUnique', 'id');
    if (!['web_hook', 'webhook'].includes(String(request.type)))
      throw badRequest('Invalid channel type.', 'invalid', 'type');
    const address = typeof request.address === 'string' ? request.address : '';
    if (!/^https?:\/\//.test(address)) throw badRequest('Invalid channel address.', 'invalid', 'address');
    const token = typeof request.token === 'string' ? request.token : undefined;
    if (token !== undefined && token.length > 256)
      throw badRequest('Channel token is too long.', 'invalid', 'token');
    const now = this.options.now();
    const requested =
      request.expiration === undefined ? now + this.options.defaultTtlMs : Number(request.expiration);
    const expiresAt = Math.min(requested, now + this.options.maxTtlMs);
    const resourceId = createHash('sha256').update(`events:${calendarId}`).digest('base64url').slice(0, 27);
    const resourceUri = `${this.options.apiBase()}calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?alt=json`;
    const channel: FakeChannel = {
      id,
      resourceId,
      resourceUri,
      calendarId,
      address,
      token,
      expiresAt,
      stopped: false,
      messageNumber: 0,
    };
    this.channels.set(id, channel);
    this.deliver(channel, 'sync');
    return {
      kind: 'api#channel',
      id,
      resourceId,
      resourceUri,
      ...(token === undefined ? {} : { token }),
      expiration: String(expiresAt),
    };
  }

  stop(body: unknown): void {
    const request = (body ?? {}) as { id?: unknown; resourceId?: unknown };
    const channel = this.channels.get(String(request.id ?? ''));
    if (!channel || channel.stopped || channel.resourceId !== request.resourceId) {
      throw new GoogleApiError(
        404,
        'notFound',
        `Channel '${String(request.id)}' not found for project 'vahub-fake'`,
      );
    }
    channel.stopped = true;
  }

  /** Tell every live channel on `calendarId` that its events changed. */
  changed(calendarId: string, state: 'exists' | 'not_exists' = 'exists'): void {
    for (const channel of this.channels.values()) {
      if (channel.calendarId === calendarId && !channel.stopped && channel.expiresAt > this.options.now()) {
        this.deliver(channel, state);
      }
    }
  }

  /** Wait until every notification sent so far has been answered. */
  settle(): Promise<void> {
    return this.hub.idle();
  }

  private deliver(channel: FakeChannel, state: DeliveredNotification['state']): void {
    channel.messageNumber += 1;
    const headers: Record<string, string> = {
      'x-goog-channel-id': channel.id,
      'x-goog-channel-expiration': new Date(channel.expiresAt).toUTCString(),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': channel.resourceUri,
      'x-goog-resource-state': state,
      'x-goog-message-number': String(channel.messageNumber),
      ...(channel.token === undefined ? {} : { 'x-goog-channel-token': channel.token }),
    };
    void this.hub.send({
      target: channel.address,
      body: '',
      headers,
      meta: { channelId: channel.id, state, messageNumber: channel.messageNumber },
      queue: channel.id,
    });
  }
}
