// The receiving half of the Toggl connector (`@vahub/toggl/receiver`): what a receiver-only process
// loads. No API client: a delivery is verified with the secret kept in the state store.
import { defineReceiver } from '@vahub/core';
import {
  checkTogglClients,
  TOGGL_ENDPOINTS,
  togglClientSection,
  togglQuotas,
  togglSectionSchema,
} from './config.js';
import { TogglWebhookReceiver } from './receiver.js';

/** Toggl's declaration (id, config, auth) and its webhook receiver; `togglConnector` adds the ports. */
export const togglReceiver = defineReceiver({
  id: 'toggl',
  title: 'Toggl Track',
  serves: ['time'],
  config: {
    client: togglClientSection,
    section: togglSectionSchema,
    endpoints: TOGGL_ENDPOINTS,
    secrets: {
      apiToken: {
        env: 'TOGGL_API_TOKEN',
        description: 'the Toggl Track API token of the VA (Toggl → Profile settings → API Token)',
      },
    },
    check: checkTogglClients,
    quotas: togglQuotas,
  },
  auth: {
    kind: 'token',
    secret: 'apiToken',
    howToGet: 'Toggl Track → Profile settings → API Token',
  },
  receiver: ({ deps }) => new TogglWebhookReceiver({ state: deps.state }),
});
