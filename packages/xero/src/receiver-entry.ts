// The receiving half of the Xero connector (`@vahub/xero/receiver`): what a receiver-only process
// loads. No xero-node, no API client: a delivery is verified with the webhook key alone.
import { defineReceiver } from '@vahub/core';
import {
  DEFAULT_XERO_SCOPES,
  XERO_ENDPOINTS,
  XERO_SECRETS,
  XERO_TOKEN_KEY,
  type XeroSecrets,
  xeroClientSection,
} from './config.js';
import { xeroWebhookReceiver } from './webhooks.js';

/** Xero's declaration (id, config, auth) and its webhook receiver; `xeroConnector` adds the port. */
export const xeroReceiver = defineReceiver({
  id: 'xero',
  title: 'Xero',
  serves: ['invoices'],
  config: {
    client: xeroClientSection,
    endpoints: XERO_ENDPOINTS,
    secrets: XERO_SECRETS,
  },
  auth: {
    kind: 'oauth2',
    authorizeEndpoint: 'authorize',
    tokenEndpoint: 'token',
    revokeEndpoint: 'revoke',
    scopes: DEFAULT_XERO_SCOPES,
    pkce: false,
    clientIdSecret: 'clientId',
    clientSecretSecret: 'clientSecret',
    tokenKey: XERO_TOKEN_KEY,
    howToGet:
      'developer.xero.com → My Apps → New app (Web app), redirect URI as `vahub connect xero` prints it; copy the client id and generate a secret',
  },
  receiver: ({ secrets }) => xeroWebhookReceiver((secrets as XeroSecrets).webhookKey),
});
