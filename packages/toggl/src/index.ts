// @vahub/toggl: the Toggl Track connector (API v9, Reports v3, Webhooks v1): its descriptor, the
// `TimeSource` it serves, and the small typed client underneath.
export { BULK_PATCH_LIMIT, type BulkTagResult, TogglClient, type TogglClientOptions } from './client.js';
export {
  checkTogglClients,
  TOGGL_ENDPOINTS,
  TOGGL_PLAN_LIMITS,
  type TogglClientSection,
  type TogglEndpoints,
  type TogglSection,
  togglClientSection,
  togglQuotas,
  togglRequestsPerHour,
  togglSectionSchema,
} from './config.js';
export { togglConnector } from './descriptor.js';
export { TOGGL_RETRY, TogglHttp, type TogglHttpOptions, type TogglQuota } from './http.js';
export { TogglLimiter, type TogglLimiterOptions } from './limiter.js';
export {
  isRunning,
  type TimeTotals,
  type TogglCustomer,
  type TogglEventFilter,
  type TogglMe,
  type TogglProject,
  type TogglSubscription,
  type TogglTask,
  type TogglWorkspace,
  timeTotals,
} from './mappers.js';
export { type TogglHook, TogglWebhookReceiver } from './receiver.js';
export type { ReportResult, ReportSearch } from './reports.js';
export { TogglSubscriptionManager } from './subscription-manager.js';
export { type CreateSubscription, TogglSubscriptions, VAHUB_EVENT_FILTERS } from './subscriptions.js';
export { TogglTimeSource, type TogglTimeSourceOptions } from './time-source.js';
export {
  type ParseResult,
  parseTogglWebhook,
  type TimeEntryAction,
  TOGGL_SIGNATURE_HEADER,
  type TogglWebhookEvent,
  verifyTogglSignature,
} from './webhooks.js';
