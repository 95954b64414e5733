import { defineConnector } from '@vahub/core';
import {
  DEFAULT_XERO_SCOPES,
  XERO_ENDPOINTS,
  XERO_SECRETS,
  XERO_TOKEN_KEY,
  xeroClientSection,
} from './config.js';
import { createXero } from './connector.js';

/**
 * Xero, vahub's invoice sink: `clients[i].xero` names the organisation, contact, account and tax type
 * of the client's invoices; `auth.xero` holds the app's client id and secret and the webhook key;
 * the grant is connected with `vahub connect xero` (OAuth 2, rotating refresh tokens).
 */
export const xeroConnector = defineConnector({
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
  create: (context) => createXero(context),
});
