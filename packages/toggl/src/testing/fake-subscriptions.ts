import { randomBytes } from 'node:crypto';
import { signHmacSha256 } from '@vahub/core';
import { type FakeResponse, type HubDelivery, WebhookHub } from '@vahub/testkit';
import { type EntryChange, entryJson, type FakeEntry, type FakeStore } from './fake-store.js';

export interface FakeSubscription {
  subscription_id: number;
  workspace_id: number;
  user_id: number;
  enabled: boolean;
  description: string;
  event_filters: { entity: string; action: string }[];
  url_callback: string;
  secret: string;
  validation_code: string;
  validated_at: string | null;
  created_at: string;
}

/** What the fake remembers of each delivery, beside what testkit's hub records. */
export interface TogglDeliveryMeta {
  subscriptionId: number;
  kind: 'ping' | 'event';
  action: EntryChange | null;
}

/** One POST the fake made to a subscriber (exact bytes, headers), and what it answered. */
export type FakeDelivery = HubDelivery<TogglDeliveryMeta>;

export interface SubscriptionLimits {
  /** Webhooks per workspace: 1 on Free, 2 on Starter, 3 on Premium. @defaultValue 1 */
  perWorkspace: number;
  /** Event filters per webhook: 3 on Free, 6 on Starter, 12 on Premium. @defaultValue 3 */
  filtersPerWebhook: number;
}

const bad = (message: string): FakeResponse => ({ status: 400, json: message });

/**
 * Webhooks API v1 subscriptions, and delivery through testkit's hub (one queue per subscription, so
 * deliveries arrive in order): a signed PING on create, signed events on changes.
 */
export class FakeSubscriptions {
  readonly subs = new Map<number, FakeSubscription>();
  readonly hub = new WebhookHub<TogglDeliveryMeta>({ name: 'toggl', timeoutMs: 5000 });
  limits: SubscriptionLimits = { perWorkspace: 1, filtersPerWebhook: 3 };
  private nextEventId = 1;

  constructor(
    private readonly store: FakeStore,
    private readonly now: () => number,
    private readonly baseUrl: () => string,
  ) {
    // Registered first, so a PING answered with its code is validated before any test sees the delivery.
    this.hub.on('delivery', (d: FakeDelivery) => this.validateFromAnswer(d));
  }

  /** Every delivery made, in order. */
  get deliveries(): readonly FakeDelivery[] {
    return this.hub.deliveries;
  }

  create(workspaceId: number, userId: number, body: unknown): FakeResponse {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.url_callback !== 'string' || !/^https?:\/\//.test(b.url_callback)) {
      return bad('url_callback must be an absolute URL');
    }
    const filters = b.event_filters;
    if (!Array.isArray(filters) || filters.length === 0) return bad('at least one event filter is required');
    if (filters.length > this.limits.filtersPerWebhook) {
      return bad(`your plan allows ${this.limits.filtersPerWebhook} events per webhook`);
    }
    const inWorkspace = [...this.subs.values()].filter((s) => s.workspace_id === workspaceId);
    if (inWorkspace.length >= this.limits.perWorkspace) {
      return bad(`your plan allows ${this.limits.perWorkspace} webhooks per workspace`);
    }
    const description = typeof b.description === 'string' ? b.description : '';
    if (inWorkspace.some((s) => s.description === description)) {
      return bad('description must be unique among the workspace subscriptions');
    }
    const sub: FakeSubscription = {
      subscription_id: this.store.id(),
      workspace_id: workspaceId,
      user_id: userId,
      enabled: b.enabled !== false,
      description,
      event_filters: filters.map((f: { entity?: unknown; action?: unknown }) => ({
        entity: String(f.entity),
        action: String(f.action),
      })),
      url_callback: b.url_callback,
      secret: typeof b.secret === 'string' && b.secret ? b.secret : randomBytes(16).toString('hex'),
      validation_code: randomBytes(12).toString('hex'),
      validated_at: null,
      created_at: new Date(this.now()).toISOString(),
    };
    this.subs.set(sub.subscription_id, sub);
    this.ping(sub);
    return { status: 200, json: this.json(sub) };
  }

  json(sub: FakeSubscription) {
    const { validation_code: _code, ...visible } = sub;
    return { ...visible, has_pending_events: false };
  }

  validate(workspaceId: number, subscriptionId: number, code: string): FakeResponse {
    const sub = this.subs.get(subscriptionId);
    if (!sub || sub.workspace_id !== workspaceId || sub.validation_code !== code) {
      return bad(
        `subscription ${subscriptionId} for workspace ${workspaceId} and validation code '${code}' was not found`,
      );
    }
    if (sub.validated_at) return bad(`subscription ${subscriptionId} has already been validated`);
    sub.validated_at = new Date(this.now()).toISOString();
    return { status: 200, json: 'OK' };
  }

  /** Send the special PING; a non-validated subscription gets its `validation_code` in it. */
  ping(sub: FakeSubscription): void {
    const at = new Date(this.now()).toISOString();
    const event: Record<string, unknown> = {
      event_id: 0,
      created_at: at,
      creator_id: sub.user_id,
      metadata: { request_type: 'POST', event_user_id: sub.user_id },
      payload: 'ping',
      subscription_id: sub.subscription_id,
      url_callback: sub.url_callback,
      timestamp: at,
    };
    if (!sub.validated_at) {
      event.validation_code = sub.validation_code;
      event.validation_code_url = `${this.baseUrl()}/webhooks/api/v1/validate/${sub.workspace_id}/${sub.subscription_id}/${sub.validation_code}`;
    }
    this.send(sub, 'ping', null, JSON.stringify(event));
  }

  /** A time entry changed: tell every enabled, validated subscription whose filters match. */
  notify(action: EntryChange, entry: FakeEntry): void {
    for (const sub of this.subs.values()) {
      if (sub.workspace_id !== entry.workspace_id || !sub.enabled || !sub.validated_at) continue;
      const wanted = sub.event_filters.some(
        (f) => (f.entity === 'time_entry' || f.entity === '*') && (f.action === action || f.action === '*'),
      );
      if (!wanted) continue;
      const at = new Date(this.now()).toISOString();
      const body = JSON.stringify({
        event_id: this.nextEventId++,
        created_at: at,
        creator_id: entry.user_id,
        metadata: {
          action,
          event_user_id: String(entry.user_id),
          model: 'time_entry',
          path: `/api/v9/workspaces/${entry.workspace_id}/time_entries/${entry.id}`,
          request_type: action === 'created' ? 'POST' : action === 'deleted' ? 'DELETE' : 'PUT',
          time_entry_id: String(entry.id),
          workspace_id: String(entry.workspace_id),
        },
        payload: entryJson(entry, this.store.tagIds(entry.workspace_id)),
        subscription_id: sub.subscription_id,
        timestamp: at,
        url_callback: sub.url_callback,
      });
      this.send(sub, 'event', action, body);
    }
  }

  /** Resolve with the first delivery (made or still to come) matching `predicate`, within `timeoutMs`. */
  waitForDelivery(predicate: (d: FakeDelivery) => boolean, timeoutMs = 5000): Promise<FakeDelivery> {
    return this.hub.waitForDelivery(predicate, timeoutMs);
  }

  /** Wait for every delivery in flight (for a clean teardown). */
  idle(): Promise<void> {
    return this.hub.idle();
  }

  private send(
    sub: FakeSubscription,
    kind: TogglDeliveryMeta['kind'],
    action: EntryChange | null,
    body: string,
  ): void {
    void this.hub.send({
      target: sub.url_callback,
      body,
      headers: {
        'content-type': 'application/json',
        'x-webhook-signature-256': `sha256=${signHmacSha256(sub.secret, body, 'hex')}`,
        'user-agent': 'fake-toggl-webhooks',
      },
      meta: { subscriptionId: sub.subscription_id, kind, action },
      queue: String(sub.subscription_id),
    });
  }

  /** Toggl validates a subscription whose PING was answered 2xx with `{"validation_code": <its code>}`. */
  private validateFromAnswer(delivery: FakeDelivery): void {
    const sub = this.subs.get(delivery.meta.subscriptionId);
    if (!sub || delivery.meta.kind !== 'ping' || sub.validated_at) return;
    if (delivery.status === null || delivery.status >= 300) return;
    try {
      const answer = JSON.parse(delivery.responseBody) as { validation_code?: unknown };
      if (answer.validation_code === sub.validation_code)
        sub.validated_at = new Date(this.now()).toISOString();
    } catch {
      // An answer that is not JSON simply leaves the subscription unvalidated, as Toggl does.
    }
  }
}
