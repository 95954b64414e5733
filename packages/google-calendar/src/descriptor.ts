import { defineConnector } from '@vahub/core';
import { createGoogleCalendarConnector } from './connector.js';
import { googleCalendarReceiver } from './receiver-entry.js';

/**
 * Google Calendar: the VA's calendar as the `calendar` port. No per-client section: the calendars
 * are the VA's (`calendar.id`, `calendar.busyCalendars` in core's neutral `calendar` section), and a
 * block says whose it is in its private properties. Auth is the VA's own OAuth client with PKCE and
 * a loopback redirect; the grant is kept in the token store under `google`.
 */
export const googleCalendarConnector = defineConnector({
  ...googleCalendarReceiver,
  create: (context) => createGoogleCalendarConnector(context),
});
