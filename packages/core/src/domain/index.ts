export * from './ports.js';
export * from './types.js';
