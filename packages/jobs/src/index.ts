export * from './redis/index.js';
export * from './stores/index.js';
