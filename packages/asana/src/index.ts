// @vahub/asana: core's TaskSource over the asana SDK on vahub's pipeline, webhook registration,
// handshake and verification, and the connector descriptor that builds them from the config.
export { type BudgetReport, RequestBudget, type RequestBudgetOptions } from './budget.js';
export { AsanaClient, type AsanaClientOptions, type EventsRead, type WebhookFilter } from './client.js';
export {
  ASANA_ENDPOINTS,
  ASANA_PLAN_LIMITS,
  ASANA_TOKEN_ENV,
  type AsanaClientEntry,
  type AsanaClientSection,
  type AsanaSection,
  asanaClientSchema,
  asanaQuotas,
  asanaRequestsPerMinute,
  asanaSectionSchema,
  checkProjects,
} from './config.js';
export { decodeCursor, encodeCursor, type ProjectTokens } from './cursor.js';
export { AsanaConnection, type AsanaContext, asanaConnector, createAsanaConnection } from './descriptor.js';
export {
  type ClientResolution,
  dueOf,
  estimateMinutes,
  resolveClient,
  type TaskMapping,
  toTask,
  toTaskChange,
} from './mapping.js';
export { AsanaReportPublisher, reportProject } from './report-publisher.js';
export type {
  AsanaEvent,
  AsanaStatusUpdate,
  AsanaTask,
  AsanaWebhook,
  CustomFieldValue,
  ProjectStatusType,
} from './schemas.js';
export { PipelineApiClient } from './sdk-client.js';
export { AsanaTaskSource, type AsanaTaskSourceOptions, type TaskProblem } from './task-source.js';
export { AsanaWebhookReceiver, type AsanaWebhookReceiverOptions } from './webhooks/receive.js';
export {
  type RegisteredWebhook,
  type RegisterWebhookInput,
  registerWebhook,
  removeWebhook,
  TASK_FILTERS,
} from './webhooks/register.js';
export {
  type HandshakeRegistry,
  newHookKey,
  type PendingRegistration,
  StateHandshakeRegistry,
  type StateHandshakeRegistryOptions,
  type WebhookSecretRecord,
  webhookTarget,
} from './webhooks/registry.js';
export { AsanaSubscriptions } from './webhooks/subscriptions.js';
export {
  type IdentifiedChange,
  type ParsedDelivery,
  parseAsanaDelivery,
  type ReadDelivery,
  readAsanaDelivery,
  type SkippedEvent,
  verifyAsanaSignature,
} from './webhooks/verify.js';
