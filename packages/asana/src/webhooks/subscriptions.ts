import {
  type EnsureSubscriptionsInput,
  noSubscriptionChanges,
  type Subscription,
  type SubscriptionChanges,
  type SubscriptionManager,
  webhookAddress,
} from '@vahub/core';
import type { AsanaClient } from '../client.js';
import type { AsanaWebhook } from '../schemas.js';
import { registerWebhook } from './register.js';
import { type HandshakeRegistry, newHookKey, type WebhookSecretRecord, webhookTarget } from './registry.js';

const asSubscription = (
  r: Pick<WebhookSecretRecord, 'webhookId' | 'projectId' | 'target'>,
): Subscription => ({
  id: r.webhookId,
  scope: r.projectId,
  address: r.target,
  expiresAt: null,
});

const fromWebhook = (w: AsanaWebhook): Subscription => ({
  id: w.gid,
  scope: w.resource.gid,
  address: w.target,
  expiresAt: null,
});

/**
 * Asana's webhooks as a `SubscriptionManager`: one webhook per configured project, delivering task
 * events to `<publicUrl>/webhooks/asana/<hook key>`. What vahub made is known by the secrets it keeps
 * (`HandshakeRegistry`); a webhook at Asana under vahub's address with no kept secret (Redis lost it)
 * can never be verified, so it is deleted and made again. Asana webhooks do not expire; `renew`
 * re-checks them (Asana deactivates one after 24 h of failed deliveries, and vahub makes it again).
 */
export class AsanaSubscriptions implements SubscriptionManager {
  constructor(
    private readonly options: {
      client: AsanaClient;
      registry: HandshakeRegistry;
      /** The configured projects, in config order. */
      projects: () => readonly string[];
      now?: () => number;
    },
  ) {}

  async list(): Promise<Subscription[]> {
    return (await this.options.registry.listSecrets()).map(asSubscription);
  }

  renew(input: EnsureSubscriptionsInput): Promise<SubscriptionChanges> {
    return this.ensure(input);
  }

  async ensure(input: EnsureSubscriptionsInput): Promise<SubscriptionChanges> {
    const { client, registry } = this.options;
    const base = webhookAddress(input.publicUrl, 'asana');
    const ours = (target: string) => target.startsWith(`${base}/`);
    const wanted = new Set(this.options.projects());
    const out = noSubscriptionChanges();
    const records = await registry.listSecrets();
    // Records no longer wanted: another address, or a project no longer configured.
    for (const record of records) {
      if (wanted.has(record.projectId) && ours(record.target)) continue;
      await this.remove(record);
      out.removed.push(asSubscription(record));
    }
    for (const projectId of wanted) {
      const atAsana = await client.listWebhooks(projectId);
      const mine = records.filter((r) => r.projectId === projectId && ours(r.target));
      let keeping: WebhookSecretRecord | undefined;
      for (const record of mine) {
        const live = atAsana.find((w) => w.gid === record.webhookId);
        if (!keeping && live?.active && live.target === record.target) {
          keeping = record;
          continue;
        }
        // Gone at Asana, deactivated, or a second one for the project.
        await this.remove(record);
        out.removed.push(asSubscription(record));
      }
      const known = new Set(mine.map((r) => r.webhookId));
      for (const orphan of atAsana.filter((w) => ours(w.target) && !known.has(w.gid))) {
        // Under vahub's address but no secret kept: its deliveries could never be verified.
        await client.deleteWebhook(orphan.gid);
        out.removed.push(fromWebhook(orphan));
      }
      if (keeping) {
        out.kept.push(asSubscription(keeping));
        continue;
      }
      const hookKey = newHookKey();
      const made = await registerWebhook({
        client,
        registry,
        projectId,
        target: webhookTarget(base, hookKey),
        hookKey,
        ...(this.options.now ? { now: this.options.now } : {}),
      });
      out.created.push(asSubscription(made.record));
    }
    return out;
  }

  /** Delete at Asana (already gone is fine) and forget the secret. */
  private async remove(record: WebhookSecretRecord): Promise<void> {
    await this.options.client.deleteWebhook(record.webhookId);
    await this.options.registry.deleteSecret(record.hookKey);
  }
}
