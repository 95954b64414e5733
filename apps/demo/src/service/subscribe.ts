// The demo subscribes the running receiver to each app's webhooks through the connectors' own
// `subscriptions` (what the service's `channels.renew` does when `webhooks.publicUrl` is set), so the
// receiver verifies what it is sent.
import type { ConnectorInstance } from '@vahub/core';

export interface Subscribed {
  asanaProjects: number;
  googleCalendars: number;
  togglWorkspaces: number;
}

/** Make sure every subscription the config implies delivers to `receiverUrl`; how many each app has. */
export async function subscribeWebhooks(input: {
  instances: ReadonlyMap<string, ConnectorInstance>;
  receiverUrl: string;
}): Promise<Subscribed> {
  const live = new Map<string, number>();
  for (const [id, instance] of input.instances) {
    if (!instance.subscriptions) continue;
    const changes = await instance.subscriptions.ensure({ publicUrl: input.receiverUrl });
    live.set(id, changes.created.length + changes.kept.length);
  }
  // Xero's webhooks are set up once in its developer portal (its `ensure` says so); its key is XERO_WEBHOOK_KEY.
  return {
    asanaProjects: live.get('asana') ?? 0,
    googleCalendars: live.get('google') ?? 0,
    togglWorkspaces: live.get('toggl') ?? 0,
  };
}
