import { defineConnector } from '@vahub/core';
import { createGoogleCalendarConnector } from './connector.js';
import {
  GOOGLE,
  GOOGLE_CALENDAR_SCOPES,
  GOOGLE_ENDPOINTS,
  GOOGLE_SECRETS,
  GOOGLE_TOKEN_KEY,
} from './settings.js';

/**
 * Google Calendar: the VA's calendar as the `calendar` port. No per-client section: the calendars
 * are the VA's (`calendar.id`, `calendar.busyCalendars` in core's neutral `calendar` section), and a
 * block says whose it is in its private properties. Auth is the VA's own OAuth client with PKCE and
 * a loopback redirect; the grant is kept in the token store under `google`.
 */
export const googleCalendarConnector = defineConnector({
  id: GOOGLE,
  title: 'Google Calendar',
  serves: ['calendar'],
  config: {
    endpoints: GOOGLE_ENDPOINTS,
    secrets: GOOGLE_SECRETS,
  },
  auth: {
    kind: 'oauth2',
    authorizeEndpoint: 'authorize',
    tokenEndpoint: 'token',
    revokeEndpoint: 'revoke',
    scopes: GOOGLE_CALENDAR_SCOPES,
    pkce: true,
    clientIdSecret: 'clientId',
    clientSecretSecret: 'clientSecret',
    tokenKey: GOOGLE_TOKEN_KEY,
    howToGet:
      'Google Cloud console → APIs & Services: enable the Google Calendar API, then Credentials → Create credentials → OAuth client ID → Desktop app; set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET and run `vahub connect google`',
  },
  create: (context) => createGoogleCalendarConnector(context),
});
