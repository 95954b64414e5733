// The fake Asana of this package, for tests and the demo (never imported by production code).
export type { FakeEvent } from './event-log.js';
export { failure } from './failure.js';
export { FakeAsana, type FakeAsanaOptions, type NewTask, type TaskPatch } from './fake-asana.js';
export type { FakeCustomField, FakeProject, FakeTask, FakeUser } from './model.js';
export { AsanaOas } from './oas.js';
export { Receiver } from './receiver.js';
export { clientConfig, connectorContext, startWorld, type World } from './scenario.js';
export type { FakeStatusUpdate } from './status-updates.js';
export type { AsanaDeliveryMeta, DeliveryRecord, FakeWebhook, FakeWebhookFilter } from './webhooks.js';
