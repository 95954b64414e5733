export * from './load.js';
export * from './planner-schema.js';
export * from './schema.js';
