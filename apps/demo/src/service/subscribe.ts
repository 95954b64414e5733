// The demo subscribes the running receiver to each app's webhooks, through each connector's own API
// and the service's own state store (so the receiver verifies what it is sent). Until the
// connectors offer subscriptions through the registry, this is the demo's part of `vahub start`.
import { AsanaConnection, newHookKey, registerWebhook, webhookTarget } from '@vahub/asana';
import type { ConnectorInstance } from '@vahub/core';
import { GoogleCalendar } from '@vahub/google-calendar';
import type { Config } from '@vahub/registry';
import { TogglWebhookReceiver } from '@vahub/toggl';

export interface Subscribed {
  asanaProjects: number;
  googleCalendars: number;
  togglWorkspaces: number;
}

function instance(instances: ReadonlyMap<string, ConnectorInstance>, id: string): ConnectorInstance {
  const found = instances.get(id);
  if (!found) throw new Error(`the demo's config builds no ${id} connector`);
  return found;
}

/** Webhooks of the config's Asana projects, the VA's calendar and the Toggl workspaces, to `receiverUrl`. */
export async function subscribeWebhooks(input: {
  config: Config;
  instances: ReadonlyMap<string, ConnectorInstance>;
  receiverUrl: string;
}): Promise<Subscribed> {
  const { config, instances, receiverUrl } = input;
  const asana = instance(instances, 'asana');
  if (!(asana instanceof AsanaConnection)) throw new Error('the asana connector is not an AsanaConnection');
  const projects = [...new Set(config.clients.flatMap((c) => c.asana?.projects ?? []))];
  for (const projectId of projects) {
    const hookKey = newHookKey();
    await registerWebhook({
      client: asana.api,
      registry: asana.handshakes,
      projectId,
      target: webhookTarget(`${receiverUrl}/webhooks/asana`, hookKey),
      hookKey,
    });
  }
  const calendar = instance(instances, 'google').ports.calendar;
  if (!(calendar instanceof GoogleCalendar)) throw new Error('the google connector has no GoogleCalendar');
  await calendar.watch({ address: `${receiverUrl}/webhooks/google` });
  const toggl = instance(instances, 'toggl').webhooks;
  if (!(toggl instanceof TogglWebhookReceiver))
    throw new Error('the toggl connector has no webhook receiver');
  const workspaces = [
    ...new Set(config.clients.flatMap((c) => (c.toggl ? [String(c.toggl.workspaceId)] : []))),
  ];
  for (const workspaceId of workspaces) {
    await toggl.subscribe({ workspaceId, callbackBase: `${receiverUrl}/webhooks/toggl` });
  }
  // Xero's webhooks are set up once in its developer portal; its key is XERO_WEBHOOK_KEY.
  return { asanaProjects: projects.length, googleCalendars: 1, togglWorkspaces: workspaces.length };
}
