export * from './weeks.js';
export * from './zoned.js';
