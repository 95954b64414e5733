import type { SecretSpec } from '@vahub/core';

/** The connector's id: config keys (`endpoints.google`, `auth.google`), errors, logs and `vahub connect google`. */
export const GOOGLE = 'google';

/** Where vahub's OAuth grant for Google lives in the token store. */
export const GOOGLE_TOKEN_KEY = 'google';

/** Default base URLs; each is overridable under `endpoints.google` or `VAHUB_ENDPOINT_GOOGLE_<NAME>`. */
export const GOOGLE_ENDPOINTS = {
  api: 'https://www.googleapis.com/',
  authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
  token: 'https://oauth2.googleapis.com/token',
  revoke: 'https://oauth2.googleapis.com/revoke',
} as const;

export type GoogleEndpoints = { [K in keyof typeof GOOGLE_ENDPOINTS]: string };

/** The OAuth client of the VA's own Google Cloud project (a "Desktop app" client). */
export const GOOGLE_SECRETS = {
  clientId: {
    env: 'GOOGLE_CLIENT_ID',
    description: "the OAuth client id of a 'Desktop app' client in the VA's Google Cloud project",
  },
  clientSecret: {
    env: 'GOOGLE_CLIENT_SECRET',
    description: 'the client secret of that OAuth client',
  },
} as const satisfies Record<string, SecretSpec>;

export type GoogleSecrets = { [K in keyof typeof GOOGLE_SECRETS]?: string | undefined };

/**
 * What vahub asks for: its own events (blocks, watching changes) and free/busy of the calendars the
 * VA lists. Nothing that reads other people's event details beyond that.
 */
export const GOOGLE_CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.freebusy',
] as const;
