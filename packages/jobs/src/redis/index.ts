export * from './bounded.js';
export * from './keys.js';
export * from './readiness.js';
