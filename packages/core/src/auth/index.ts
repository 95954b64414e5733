export * from './lock.js';
export * from './token-store.js';
export * from './tokens.js';
