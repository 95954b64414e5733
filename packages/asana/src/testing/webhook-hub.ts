import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { signHmacSha256 } from '@vahub/core';
import { firstMatch } from '@vahub/testkit';
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

/** One POST the fake made to a webhook target: handshake or delivery, with what came back. */
export interface DeliveryRecord {
  kind: 'handshake' | 'events';
  webhookGid: string | null;
  target: string;
  /** The exact bytes sent (for deliveries; empty for handshakes). */
  body: string;
  headers: Record<string, string>;
  events: FakeEvent[];
  status: number | null;
  error: string | null;
  at: number;
}

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
 * Asana's side of webhooks: the handshake POSTed to the target during the create call, and signed
 * deliveries (`X-Hook-Signature`, HMAC-SHA256 hex over the exact body bytes) when something changes.
 * Deliveries to one webhook go out one at a time, in order; `idle()` waits for all of them.
 */
export class WebhookHub extends EventEmitter {
  readonly webhooks = new Map<string, FakeWebhook>();
  readonly deliveries: DeliveryRecord[] = [];
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly options: { timeoutMs: number; nowIso: () => string }) {
    super();
  }

  private log(record: Omit<DeliveryRecord, 'at'>): DeliveryRecord {
    const full = { ...record, at: Date.now() };
    this.deliveries.push(full);
    this.emit('delivery', full);
    return full;
  }

  /** POST the handshake; true if the target answered 200/204 echoing the secret. */
  async handshake(target: string): Promise<{ ok: true; secret: string } | { ok: false }> {
    const secret = randomBytes(32).toString('hex');
    const headers = { 'x-hook-secret': secret };
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers,
        body: '',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.arrayBuffer();
      const echoed = res.headers.get('x-hook-secret');
      this.log({
        kind: 'handshake',
        webhookGid: null,
        target,
        body: '',
        headers,
        events: [],
        status: res.status,
        error: null,
      });
      const ok = (res.status === 200 || res.status === 204) && echoed === secret;
      return ok ? { ok: true, secret } : { ok: false };
    } catch (err) {
      const error = (err as Error).message;
      this.log({
        kind: 'handshake',
        webhookGid: null,
        target,
        body: '',
        headers,
        events: [],
        status: null,
        error,
      });
      return { ok: false };
    }
  }

  /** Queue the events for every webhook on one of `resources` whose filters let them through. */
  deliver(events: readonly FakeEvent[], resources: readonly string[]): void {
    for (const hook of this.webhooks.values()) {
      if (!resources.includes(hook.resource.gid)) continue;
      const selected = events.filter((e) => passes(e, hook.filters));
      if (selected.length > 0) this.enqueue(hook, selected);
    }
  }

  /** Asana's heartbeat: a signed delivery with no events. */
  heartbeat(webhookGid: string): void {
    const hook = this.webhooks.get(webhookGid);
    if (!hook) throw new Error(`fake asana: no webhook ${webhookGid}`);
    this.enqueue(hook, []);
  }

  private enqueue(hook: FakeWebhook, events: FakeEvent[]): void {
    const previous = this.queues.get(hook.gid) ?? Promise.resolve();
    const next = previous.then(() => this.post(hook, events));
    this.queues.set(hook.gid, next);
  }

  private async post(hook: FakeWebhook, events: FakeEvent[]): Promise<void> {
    const body = JSON.stringify({ events });
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'x-hook-signature': signHmacSha256(hook.secret, Buffer.from(body, 'utf8'), 'hex'),
    };
    const base = {
      kind: 'events' as const,
      webhookGid: hook.gid,
      target: hook.target,
      body,
      headers,
      events,
    };
    try {
      const res = await fetch(hook.target, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await res.text();
      const ok = res.status >= 200 && res.status < 300;
      if (ok) hook.lastSuccessAt = this.options.nowIso();
      else {
        hook.lastFailureAt = this.options.nowIso();
        hook.lastFailureContent = `${res.status}\n\n${text.slice(0, 200)}`;
      }
      this.log({ ...base, status: res.status, error: null });
    } catch (err) {
      hook.lastFailureAt = this.options.nowIso();
      hook.lastFailureContent = (err as Error).message;
      this.log({ ...base, status: null, error: (err as Error).message });
    }
  }

  /** Resolve when every queued delivery has been attempted. */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  /** The first delivery (past or future) matching `predicate`, within `timeoutMs`. */
  waitForDelivery(predicate: (d: DeliveryRecord) => boolean, timeoutMs = 5000): Promise<DeliveryRecord> {
    return firstMatch({
      emitter: this,
      event: 'delivery',
      seen: this.deliveries,
      predicate,
      timeoutMs,
      what: 'fake asana: no matching webhook delivery',
    });
  }
}
