// The fake Google of @vahub/google-calendar: import from '@vahub/google-calendar/testing' in tests only.
export type { EventJson, StoredEvent } from './fake-calendar-store.js';
export type { DeliveredNotification, FakeChannel } from './fake-channels.js';
export { FAKE_SCOPES, FakeGoogle, type FakeGoogleOptions, type RawAnswer } from './fake-google.js';
export { GoogleApiError } from './google-errors.js';
export { MemoryStateStore } from './memory-state-store.js';
