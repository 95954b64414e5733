import { defineConnector } from '@vahub/core';
import { createXero } from './connector.js';
import { xeroReceiver } from './receiver-entry.js';

/**
 * Xero, vahub's invoice sink: `clients[i].xero` names the organisation, contact, account and tax type
 * of the client's invoices; `auth.xero` holds the app's client id and secret and the webhook key;
 * the grant is connected with `vahub connect xero` (OAuth 2, rotating refresh tokens).
 */
export const xeroConnector = defineConnector({ ...xeroReceiver, create: (context) => createXero(context) });
