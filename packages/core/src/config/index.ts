export * from './billing-schema.js';
export * from './compose.js';
export * from './load.js';
export * from './planner-schema.js';
export * from './schema.js';
