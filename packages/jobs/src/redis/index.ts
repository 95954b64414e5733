export * from './bounded.js';
export * from './connection.js';
