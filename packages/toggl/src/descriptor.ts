import { defineConnector } from '@vahub/core';
import { TogglClient } from './client.js';
import { listTogglIds } from './list-ids.js';
import { TogglWebhookReceiver } from './receiver.js';
import { togglReceiver } from './receiver-entry.js';
import { TogglSubscriptionManager } from './subscription-manager.js';
import { TogglTimeSource } from './time-source.js';

/**
 * Toggl Track: the `time` port. A personal API token, per-client sections naming the workspace and
 * the Toggl client and/or projects, and webhooks with one secret per subscription.
 */
export const togglConnector = defineConnector({
  ...togglReceiver,
  create(context) {
    const { deps } = context;
    const client = new TogglClient({
      apiToken: context.secrets.apiToken,
      endpoints: context.endpoints,
      logger: deps.logger,
      ...(deps.limiter ? { limiter: deps.limiter } : {}),
      ...(deps.sleep ? { retry: { sleep: deps.sleep } } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
    const time = new TogglTimeSource({
      client,
      clients: context.clients,
      ...(deps.now ? { now: deps.now } : {}),
    });
    const webhooks = new TogglWebhookReceiver({ state: deps.state, subscriptions: client.subscriptions });
    const subscriptions = new TogglSubscriptionManager({
      receiver: webhooks,
      subscriptions: client.subscriptions,
      workspaces: () => [...new Set(context.clients.map((c) => String(c.section.workspaceId)))],
    });
    // The token's owner, by one call (`GET /me`).
    const whoami = async () => {
      const me = await client.me();
      return me.fullname ?? me.email ?? me.id;
    };
    return { ports: { time }, webhooks, subscriptions, whoami, listIds: () => listTogglIds(client) };
  },
});
