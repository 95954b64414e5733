export * from './descriptor.js';
export * from './webhooks.js';
