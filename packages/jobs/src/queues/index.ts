export * from './change-events.js';
export * from './failed.js';
export * from './job-ids.js';
export * from './queues.js';
export * from './schedules.js';
export type { ThrottledJobKeys } from './throttle-scripts.js';
