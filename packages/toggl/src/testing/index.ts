// The fake Toggl Track (API v9, Reports v3, Webhooks v1) for tests, built on @vahub/testkit.
export { FakeLimits } from './fake-limits.js';
export { PATCH_LIMIT, patchTimeEntries } from './fake-patch.js';
export type { ReportSettings } from './fake-reports.js';
export type {
  EntryChange,
  FakeClient,
  FakeEntry,
  FakeProject,
  FakeTag,
  FakeTask,
  FakeWorkspace,
} from './fake-store.js';
export { FakeStore, togglTime } from './fake-store.js';
export type {
  FakeDelivery,
  FakeSubscription,
  SubscriptionLimits,
  TogglDeliveryMeta,
} from './fake-subscriptions.js';
export { FakeSubscriptions } from './fake-subscriptions.js';
export { FakeToggl, type FakeTogglOptions, type TogglEndpointUrls } from './fake-toggl.js';
export { seedScenario, type TogglScenario } from './scenario.js';
