import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { signHmacSha256 } from '@vahub/core';
import { deliverWebhook, type FakeResponse, firstMatch } from '@vahub/testkit';
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

/** One POST the fake made to a subscriber, and what it answered. */
export interface FakeDelivery {
  subscriptionId: number;
  kind: 'ping' | 'event';
  action: EntryChange | null;
  body: string;
  signature: string;
  status: number | null;
  responseBody: string;
  error: string | null;
}

export interface SubscriptionLimits {
  /** Webhooks per workspace: 1 on Free, 2 on Starter, 3 on Premium. @defaultValue 1 */
  perWorkspace: number;
  /** Event filters per webhook: 3 on Free, 6 on Starter, 12 on Premium. @defaultValue 3 */
  filtersPerWebhook: number;
}

const bad = (message: string): FakeResponse => ({ status: 400, json: message });

/** Webhooks API v1 subscriptions, and delivery: a signed PING on create, signed events on changes. */
export class FakeSubscriptions extends EventEmitter {
  readonly subs = new Map<number, FakeSubscription>();
  readonly deliveries: FakeDelivery[] = [];
  limits: SubscriptionLimits = { perWorkspace: 1, filtersPerWebhook: 3 };
  private readonly pending = new Set<Promise<void>>();
  private nextEventId = 1;

  constructor(
    private readonly store: FakeStore,
    private readonly now: () => number,
    private readonly baseUrl: () => string,
  ) {
    super();
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
    return firstMatch({
      emitter: this,
      event: 'delivery',
      seen: this.deliveries,
      predicate,
      timeoutMs,
      what: 'fake toggl: no matching webhook delivery',
    });
  }

  /** Wait for every delivery in flight (for a clean teardown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private send(
    sub: FakeSubscription,
    kind: FakeDelivery['kind'],
    action: EntryChange | null,
    body: string,
  ): void {
    const signature = `sha256=${signHmacSha256(sub.secret, body, 'hex')}`;
    const job = deliverWebhook({
      url: sub.url_callback,
      body,
      headers: { 'x-webhook-signature-256': signature, 'user-agent': 'fake-toggl-webhooks' },
      timeoutMs: 5000,
    })
      .then(
        (res) => ({ status: res.status, responseBody: res.body, error: null }),
        (err: unknown) => ({ status: null, responseBody: '', error: (err as Error).message }),
      )
      .then((outcome) => {
        const delivery: FakeDelivery = {
          subscriptionId: sub.subscription_id,
          kind,
          action,
          body,
          signature,
          ...outcome,
        };
        if (kind === 'ping' && !sub.validated_at && outcome.status !== null && outcome.status < 300) {
          try {
            const answer = JSON.parse(outcome.responseBody) as { validation_code?: unknown };
            if (answer.validation_code === sub.validation_code)
              sub.validated_at = new Date(this.now()).toISOString();
          } catch {
            // An answer that is not JSON simply leaves the subscription unvalidated, as Toggl does.
          }
        }
        this.deliveries.push(delivery);
        this.emit('delivery', delivery);
      });
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }
}
