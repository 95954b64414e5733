export * from './bounded.js';
export * from './connection.js';
export * from './keys.js';
export * from './readiness.js';
