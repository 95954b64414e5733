// The receiving halves of the connectors (`@vahub/registry/receivers`): what a process that only
// receives webhooks loads instead of the whole registry, so no vendor SDK and no API client.
import { asanaReceiver } from '@vahub/asana/receiver';
import { loadConfig, type ReceiverContext, type ReceiverDescriptor, type WebhookReceiver } from '@vahub/core';
import { googleCalendarReceiver } from '@vahub/google-calendar/receiver';
import { togglReceiver } from '@vahub/toggl/receiver';
import { xeroReceiver } from '@vahub/xero/receiver';
import type { Config } from './connectors.js';
import { connectorContext } from './context.js';

export type { Config } from './connectors.js';

/** The same connectors as `connectors`, in the same order, each as its declaration and receiver. */
export const receivers = [asanaReceiver, togglReceiver, googleCalendarReceiver, xeroReceiver] as const;

/** `loadVahubConfig` without loading the connectors' API clients: the declarations are the same. */
export function loadReceiverConfig(file: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<Config> {
  return loadConfig(file, { ...options, connectors: receivers });
}

/** What a receiver is built with: a logger, the state store of the webhook secrets, a clock. */
export type ReceiverDeps = ReceiverContext['deps'];

/** The webhook receivers by connector id, built from the config; connectors that receive none are left out. */
export function buildReceivers(config: Config, deps: ReceiverDeps): Record<string, WebhookReceiver> {
  const out: Record<string, WebhookReceiver> = {};
  for (const descriptor of receivers as readonly ReceiverDescriptor[]) {
    const logger = deps.logger.child({ connector: descriptor.id });
    const receiver = descriptor.receiver(connectorContext(descriptor, config, { ...deps, logger }));
    if (receiver) out[descriptor.id] = receiver;
  }
  return out;
}
