// @vahub/asana: core's TaskSource over the asana SDK, webhook registration, handshake and verification.
export { type BudgetReport, RequestBudget, type RequestBudgetOptions } from './budget.js';
export { AsanaClient, type AsanaClientOptions, type EventsRead, type WebhookFilter } from './client.js';
export { AmbiguousTaskClientError, toConnectorError } from './errors.js';
export {
  type ClientResolution,
  dueOf,
  estimateMinutes,
  resolveClient,
  type TaskMapping,
  toTask,
  toTaskChange,
} from './mapping.js';
export type { AsanaEvent, AsanaTask, AsanaWebhook, CustomFieldValue } from './schemas.js';
export { AsanaTaskSource, type AsanaTaskSourceOptions, type TaskProblem } from './task-source.js';
export type { TokenProvider } from './transport.js';
export { type HeaderMap, type Receipt, type ReceiveInput, receiveAsanaWebhook } from './webhooks/receive.js';
export {
  type RegisteredWebhook,
  type RegisterWebhookInput,
  registerWebhook,
  removeWebhook,
  TASK_FILTERS,
} from './webhooks/register.js';
export {
  type HandshakeRegistry,
  MemoryHandshakeRegistry,
  newHookKey,
  type PendingRegistration,
  type WebhookSecretRecord,
  webhookTarget,
} from './webhooks/registry.js';
export {
  type ParsedDelivery,
  parseAsanaDelivery,
  type SkippedEvent,
  verifyAsanaSignature,
} from './webhooks/verify.js';
