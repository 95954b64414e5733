export * from './redis-ledger-cache.js';
