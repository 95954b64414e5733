export * from './classify.js';
export * from './processor.js';
export * from './workers.js';
