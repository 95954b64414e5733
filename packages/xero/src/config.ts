import { ConnectorError } from '@vahub/core';
import { z } from 'zod';

const uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    error: 'expected a Xero id (a UUID such as "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777")',
  });

/** `clients[i].xero`: the organisation, contact, account and tax type a client's invoices go to. */
export const xeroClientSection = z.strictObject({
  tenantId: uuid,
  contactId: uuid,
  accountCode: z.string().min(1).max(10),
  taxType: z.string().min(1).default('OUTPUT'),
  brandingThemeId: uuid.optional(),
});

export type XeroClientSection = z.output<typeof xeroClientSection>;

/** Every URL vahub calls at Xero, each overridable under `endpoints.xero` or `VAHUB_ENDPOINT_XERO_*`. */
export const XERO_ENDPOINTS = {
  api: 'https://api.xero.com/api.xro/2.0',
  authorize: 'https://login.xero.com/identity/connect/authorize',
  token: 'https://identity.xero.com/connect/token',
  connections: 'https://api.xero.com/connections',
  revoke: 'https://identity.xero.com/connect/revocation',
} as const;

export type XeroEndpoints = { [K in keyof typeof XERO_ENDPOINTS]: string };

const PORTAL = 'developer.xero.com → My Apps → your app';

/** `auth.xero.<key>`, or the conventional environment variable when the file leaves it out. */
export const XERO_SECRETS = {
  clientId: { env: 'XERO_CLIENT_ID', description: `the app's client id (${PORTAL} → Configuration)` },
  clientSecret: {
    env: 'XERO_CLIENT_SECRET',
    description: `the app's client secret (${PORTAL} → Configuration → Generate a secret)`,
  },
  webhookKey: {
    env: 'XERO_WEBHOOK_KEY',
    description: `the key Xero signs webhooks with (${PORTAL} → Webhooks → Webhooks key)`,
    required: false,
  },
} as const;

export type XeroSecrets = { [K in keyof typeof XERO_SECRETS]?: string | undefined };

/**
 * What vahub asks for: a refresh token, writing invoices, reading contacts, and reading the settings
 * (accounts, tax rates, currencies) that `vahub ids xero` lists and `vahub doctor` checks. These are
 * Xero's granular scopes, the only ones apps created since 2 March 2026 may request; an older app may
 * pass the broad `accounting.transactions accounting.contacts.read accounting.settings.read` instead.
 */
export const DEFAULT_XERO_SCOPES = [
  'offline_access',
  'accounting.invoices',
  'accounting.contacts.read',
  'accounting.settings.read',
];

/** The token store key of the Xero grant. */
export const XERO_TOKEN_KEY = 'xero';

/**
 * A secret the call needs is not configured. Building the connector never fails for it; the first
 * call that needs it does, naming the config key and the environment variable.
 */
export function missingSecret(key: keyof typeof XERO_SECRETS, operation: string): ConnectorError {
  const spec = XERO_SECRETS[key];
  return new ConnectorError({
    provider: 'xero',
    operation,
    code: 'validation',
    retryable: false,
    message: `auth.xero.${key} is not set: export ${spec.env}=… (${spec.description}) and start vahub again`,
  });
}
