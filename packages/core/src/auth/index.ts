export * from './lock.js';
export * from './loopback.js';
export * from './token-events.js';
export * from './token-store.js';
export * from './tokens.js';
