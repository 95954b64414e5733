// The receiving half of the Asana connector (`@vahub/asana/receiver`): what a receiver-only process
// loads. No SDK, no API client: the handshake and the signature check need the state store only.
import { defineReceiver, MemoryStateStore } from '@vahub/core';
import {
  ASANA_ENDPOINTS,
  ASANA_TOKEN_ENV,
  asanaClientSchema,
  asanaQuotas,
  asanaSectionSchema,
  checkProjects,
} from './config.js';
import { AsanaWebhookReceiver } from './webhooks/receive.js';
import { StateHandshakeRegistry } from './webhooks/registry.js';

/** Asana's declaration (id, config, auth) and its webhook receiver; `asanaConnector` adds the ports. */
export const asanaReceiver = defineReceiver({
  id: 'asana',
  title: 'Asana',
  serves: ['tasks', 'reports'],
  config: {
    client: asanaClientSchema,
    section: asanaSectionSchema,
    endpoints: ASANA_ENDPOINTS,
    secrets: {
      token: {
        env: ASANA_TOKEN_ENV,
        description: "a personal access token of the VA's Asana account (tasks:read, webhooks:write)",
      },
    },
    check: checkProjects,
    quotas: asanaQuotas,
  },
  auth: {
    kind: 'token',
    secret: 'token',
    howToGet: 'Asana → profile photo → My settings → Apps → View developer console → Create new token',
  },
  receiver: ({ deps }) =>
    new AsanaWebhookReceiver({
      registry: new StateHandshakeRegistry(deps.state ?? new MemoryStateStore(deps.now), {
        ...(deps.now ? { now: deps.now } : {}),
      }),
      logger: deps.logger,
      ...(deps.now ? { now: deps.now } : {}),
    }),
});
