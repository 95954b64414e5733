export * from './finish-jobs.js';
export * from './job-events.js';
export * from './monitor.js';
export * from './redis-keys.js';
export * from './redis-server.js';
