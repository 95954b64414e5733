import { randomBytes } from 'node:crypto';
import { signHmacSha256 } from '@vahub/core';
import { type HubDelivery, WebhookHub } from '@vahub/testkit';
import type { FakeEvent } from './event-log.js';

export interface FakeWebhookFilter {
  resource_type?: string;
  resource_subtype?: string;
  action?: string;
  fields?: string[];
}

export interface FakeWebhook {
  gid: string;
  resource: { gid: string; resource_type: string; name: string };
  target: string;
  filters: FakeWebhookFilter[];
  secret: string;
  ownerGid: string;
  createdAt: string;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastFailureContent: string;
}

/** What the fake remembers of each POST it made: a handshake or a delivery of events. */
export interface AsanaDeliveryMeta {
  kind: 'handshake' | 'events';
  webhookGid: string | null;
  events: FakeEvent[];
}

/** One POST the fake made to a webhook target, as testkit's hub records it. */
export type DeliveryRecord = HubDelivery<AsanaDeliveryMeta>;

function passes(event: FakeEvent, filters: readonly FakeWebhookFilter[]): boolean {
  if (filters.length === 0) return true;
  return filters.some(
    (f) =>
      (!f.resource_type || f.resource_type === event.resource.resource_type) &&
      (!f.resource_subtype || f.resource_subtype === event.resource.resource_subtype) &&
      (!f.action || f.action === event.action) &&
      (!f.fields || (event.action === 'changed' && f.fields.includes(event.change?.field ?? ''))),
  );
}

/**
 * Asana's side of webhooks, carried by testkit's `WebhookHub`: the handshake POSTed to the target
 * during the create call, and signed deliveries (`X-Hook-Signature`, HMAC-SHA256 hex over the exact
 * body bytes) when something changes, one webhook's deliveries in order.
 */
export class AsanaWebhooks {
  readonly webhooks = new Map<string, FakeWebhook>();
  readonly hub: WebhookHub<AsanaDeliveryMeta>;

  constructor(private readonly options: { timeoutMs: number; nowIso: () => string }) {
    this.hub = new WebhookHub({ name: 'asana', timeoutMs: options.timeoutMs });
  }

  /** POST the handshake; ok if the target answered 200/204 echoing the secret. */
  async handshake(target: string): Promise<{ ok: true; secret: string } | { ok: false }> {
    const secret = randomBytes(32).toString('hex');
    const delivery = await this.hub.send({
      target,
      body: '',
      headers: { 'x-hook-secret': secret },
      meta: { kind: 'handshake', webhookGid: null, events: [] },
      // Never behind another webhook's deliveries to the same target: Asana waits for this one.
      queue: `handshake:${secret}`,
    });
    const ok =
      (delivery.status === 200 || delivery.status === 204) &&
      delivery.responseHeaders['x-hook-secret'] === secret;
    return ok ? { ok: true, secret } : { ok: false };
  }

  /** Queue the events for every webhook on one of `resources` whose filters let them through. */
  deliver(events: readonly FakeEvent[], resources: readonly string[]): void {
    for (const hook of this.webhooks.values()) {
      if (!resources.includes(hook.resource.gid)) continue;
      const selected = events.filter((e) => passes(e, hook.filters));
      if (selected.length > 0) void this.post(hook, selected);
    }
  }

  /** Asana's heartbeat: a signed delivery with no events. */
  heartbeat(webhookGid: string): void {
    const hook = this.webhooks.get(webhookGid);
    if (!hook) throw new Error(`fake asana: no webhook ${webhookGid}`);
    void this.post(hook, []);
  }

  private async post(hook: FakeWebhook, events: FakeEvent[]): Promise<void> {
    const body = JSON.stringify({ events });
    const delivery = await this.hub.send({
      target: hook.target,
      body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-hook-signature': signHmacSha256(hook.secret, Buffer.from(body, 'utf8'), 'hex'),
      },
      meta: { kind: 'events', webhookGid: hook.gid, events },
      queue: hook.gid,
    });
    const ok = delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
    if (ok) hook.lastSuccessAt = this.options.nowIso();
    else {
      hook.lastFailureAt = this.options.nowIso();
      hook.lastFailureContent =
        delivery.status === null
          ? (delivery.error ?? 'no answer')
          : `${delivery.status}\n\n${delivery.responseBody.slice(0, 200)}`;
    }
  }
}
