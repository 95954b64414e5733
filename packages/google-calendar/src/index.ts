// @vahub/google-calendar: the VA's Google Calendar as core's CalendarPort, over @googleapis/calendar.
export {
  BLOCK_MARKER_FILTER,
  BLOCK_PROPERTIES,
  type BlockInput,
  blockDescription,
  blockDiffers,
  blockEvent,
  blockTitle,
  readBlock,
} from './block-event.js';
export { mergeBusy, type RawBusy } from './busy.js';
export { ChannelStore } from './channel-store.js';
export { channelNeedsRenewal, type WatchChannel, type WatchInput } from './channels.js';
export {
  createGoogleCalendarConnector,
  type GoogleCalendarInstance,
  type GoogleConnectInput,
  type GoogleGrant,
  type GoogleTuning,
} from './connector.js';
export { googleCalendarConnector } from './descriptor.js';
export { describeApiAnswer, isRateLimit } from './errors.js';
export { eventBusy } from './event-busy.js';
export { GoogleApi } from './google-api.js';
export { GoogleCalendar, type GoogleCalendarOptions } from './google-calendar.js';
export {
  type ConnectGoogleInput,
  connectGoogle,
} from './loopback.js';
export {
  type NotificationInput,
  type NotificationVerification,
  type ResourceState,
  verifyChannelNotification,
} from './notification.js';
export { type AuthorizationRequest, GoogleOAuth, type GoogleOAuthOptions } from './oauth.js';
export {
  GOOGLE_CALENDAR_SCOPES,
  GOOGLE_ENDPOINTS,
  GOOGLE_SECRETS,
  GOOGLE_TOKEN_KEY,
} from './settings.js';
export { CHANNEL_RENEW_MARGIN_MS, GoogleSubscriptions } from './subscriptions.js';
export type { CalendarChange, CalendarChangesPage } from './sync.js';
export { googleWebhooks } from './webhooks.js';
