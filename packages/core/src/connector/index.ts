export * from './descriptor.js';
export * from './memory-state.js';
export * from './subscriptions.js';
export * from './webhooks.js';
