export * from './encryption.js';
export * from './redis-lease.js';
export * from './redis-lock.js';
export * from './redis-token-store.js';
