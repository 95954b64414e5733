export * from './metrics.js';
export * from './vendor-logger.js';
