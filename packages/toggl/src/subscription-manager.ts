import {
  type EnsureSubscriptionsInput,
  isConnectorError,
  noSubscriptionChanges,
  type Subscription,
  type SubscriptionChanges,
  type SubscriptionManager,
  webhookAddress,
} from '@vahub/core';
import type { TogglSubscription } from './mappers.js';
import type { TogglHook, TogglWebhookReceiver } from './receiver.js';
import type { TogglSubscriptions } from './subscriptions.js';

const fromToggl = (s: TogglSubscription): Subscription => ({
  id: s.id,
  scope: s.workspaceId,
  address: s.urlCallback,
  expiresAt: null,
});

const fromHook = (h: TogglHook, address: string): Subscription => ({
  id: h.subscriptionId ?? h.hook,
  scope: h.workspaceId,
  address,
  expiresAt: null,
});

/**
 * Toggl's webhook subscriptions as a `SubscriptionManager`: one subscription per configured
 * workspace, time entries created, updated and deleted, delivered to
 * `<publicUrl>/webhooks/toggl/<hook>` and signed with a secret vahub chose and keeps (the receiver's
 * state). A subscription under vahub's address whose secret vahub lost is deleted and made again, as
 * is one Toggl disabled; one Toggl has not validated yet is asked for a new validation PING.
 * Subscriptions do not expire: `renew` is `ensure`.
 */
export class TogglSubscriptionManager implements SubscriptionManager {
  constructor(
    private readonly options: {
      receiver: TogglWebhookReceiver;
      subscriptions: TogglSubscriptions;
      /** The configured workspaces. */
      workspaces: () => readonly string[];
    },
  ) {}

  async list(): Promise<Subscription[]> {
    return (await this.options.receiver.hooks()).map((h) => fromHook(h, h.hook));
  }

  renew(input: EnsureSubscriptionsInput): Promise<SubscriptionChanges> {
    return this.ensure(input);
  }

  async ensure(input: EnsureSubscriptionsInput): Promise<SubscriptionChanges> {
    const { receiver, subscriptions } = this.options;
    const base = webhookAddress(input.publicUrl, 'toggl');
    const wanted = new Set(this.options.workspaces());
    const out = noSubscriptionChanges();
    const hooks = await receiver.hooks();
    const atToggl = new Map<string, TogglSubscription[]>();
    for (const ws of new Set([...wanted, ...hooks.map((h) => h.workspaceId)])) {
      atToggl.set(ws, await subscriptions.list(ws));
    }
    const live = (h: TogglHook) =>
      (atToggl.get(h.workspaceId) ?? []).find((s) => s.id === h.subscriptionId) ?? null;
    const keeping = new Map<string, TogglSubscription>();
    for (const hook of hooks) {
      const sub = live(hook);
      const fits = sub?.enabled === true && sub.urlCallback === `${base}/${hook.hook}`;
      if (fits && wanted.has(hook.workspaceId) && !keeping.has(hook.workspaceId)) {
        keeping.set(hook.workspaceId, sub);
        continue;
      }
      // Another address, a workspace no longer configured, disabled, gone at Toggl, or a second one.
      if (sub) await this.deleteAtToggl(hook.workspaceId, sub.id);
      await receiver.forget(hook.hook);
      out.removed.push(sub ? fromToggl(sub) : fromHook(hook, `${base}/${hook.hook}`));
    }
    const known = new Set(hooks.map((h) => h.subscriptionId));
    for (const [ws, subs] of atToggl) {
      for (const orphan of subs.filter((s) => s.urlCallback.startsWith(`${base}/`) && !known.has(s.id))) {
        // Under vahub's address but its secret is lost: its deliveries could never be verified.
        await this.deleteAtToggl(ws, orphan.id);
        out.removed.push(fromToggl(orphan));
      }
    }
    for (const ws of wanted) {
      const kept = keeping.get(ws);
      if (kept) {
        // Not validated (vahub's receiver missed the PING): Toggl sends the code again.
        if (kept.validatedAt === null) await subscriptions.ping(ws, kept.id);
        out.kept.push(fromToggl(kept));
        continue;
      }
      const made = await receiver.subscribe({ workspaceId: ws, callbackBase: base });
      out.created.push(fromToggl(made.subscription));
    }
    return out;
  }

  private async deleteAtToggl(workspaceId: string, subscriptionId: string): Promise<void> {
    try {
      await this.options.subscriptions.delete(workspaceId, subscriptionId);
    } catch (err) {
      if (!(isConnectorError(err) && err.status === 404)) throw err;
    }
  }
}
