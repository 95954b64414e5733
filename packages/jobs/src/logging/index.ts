export * from './pino.js';
