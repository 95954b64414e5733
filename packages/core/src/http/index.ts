export * from './answers.js';
export * from './auth.js';
export type { Answer } from './exchange.js';
export * from './limiter.js';
export * from './logger.js';
export * from './pipeline.js';
