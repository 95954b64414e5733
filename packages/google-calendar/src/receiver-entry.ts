// The receiving half of the Google Calendar connector (`@vahub/google-calendar/receiver`): what a
// receiver-only process loads. No API client: a notification is checked against the channel token
// kept in the state store.
import { defineReceiver } from '@vahub/core';
import { ChannelStore } from './channel-store.js';
import {
  GOOGLE,
  GOOGLE_CALENDAR_SCOPES,
  GOOGLE_ENDPOINTS,
  GOOGLE_SECRETS,
  GOOGLE_TOKEN_KEY,
} from './settings.js';
import { googleWebhooks } from './webhooks.js';

/** Google Calendar's declaration (id, config, auth) and its push receiver; the descriptor adds the port. */
export const googleCalendarReceiver = defineReceiver({
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
  receiver: ({ deps }) =>
    googleWebhooks(deps.state ? new ChannelStore(deps.state, deps.now ?? Date.now) : undefined),
});
