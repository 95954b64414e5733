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
export { channelNeedsRenewal, type WatchChannel, type WatchInput } from './channels.js';
export { describeFailure, isRateLimit, toConnectorError } from './errors.js';
export { eventBusy } from './event-busy.js';
export { createGoogleCalendar, GoogleCalendar, type GoogleCalendarOptions } from './google-calendar.js';
export {
  type ConnectGoogleInput,
  connectGoogle,
  type LoopbackReceiver,
  startLoopbackReceiver,
} from './loopback.js';
export {
  type NotificationInput,
  type NotificationVerification,
  type ResourceState,
  verifyChannelNotification,
} from './notification.js';
export {
  type AuthorizationRequest,
  GOOGLE_CALENDAR_SCOPES,
  GoogleOAuth,
  type GoogleOAuthOptions,
} from './oauth.js';
export type { CalendarChange, CalendarChangesPage } from './sync.js';
export { type AccessTokenSource, type CallOptions, GoogleTransport } from './transport.js';
