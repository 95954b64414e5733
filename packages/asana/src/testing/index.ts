// The fake Asana of this package, for tests (never imported by production code).
export type { FakeEvent } from './event-log.js';
export { FakeAsana, type FakeAsanaOptions, type NewTask, type TaskPatch } from './fake-asana.js';
export type { FakeCustomField, FakeProject, FakeTask, FakeUser } from './model.js';
export { AsanaOas, asanaSpecPath } from './oas.js';
export { Receiver } from './receiver.js';
export { clientConfig, startWorld, type World } from './scenario.js';
export type { DeliveryRecord, FakeWebhook, FakeWebhookFilter } from './webhook-hub.js';
