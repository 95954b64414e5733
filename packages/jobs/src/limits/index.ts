export * from './policy.js';
export * from './redis-limiter.js';
