export * from './catalog.js';
export * from './handlers.js';
export * from './payloads.js';
