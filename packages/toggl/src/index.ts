// @vahub/toggl: a small typed Toggl Track client (API v9, Reports v3, Webhooks v1) implementing TimeSource.
export { BULK_PATCH_LIMIT, type BulkTagResult, TogglClient, type TogglClientOptions } from './client.js';
export { TOGGL_RETRY, type TogglHttpOptions, type TogglQuota } from './http.js';
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
export type { ReportResult, ReportSearch } from './reports.js';
export { type CreateSubscription, TogglSubscriptions, VAHUB_EVENT_FILTERS } from './subscriptions.js';
export { TogglTimeSource } from './time-source.js';
export {
  type HandleResult,
  handleTogglWebhook,
  type ParseResult,
  parseTogglWebhook,
  type TimeEntryAction,
  TOGGL_SIGNATURE_HEADER,
  type TogglWebhookEvent,
  verifyTogglSignature,
} from './webhooks.js';
