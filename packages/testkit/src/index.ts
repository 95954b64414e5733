export * from './fake-server.js';
export * from './faults.js';
export * from './wait.js';
export * from './webhooks.js';
