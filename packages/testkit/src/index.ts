export * from './auth-guard.js';
export * from './fake-server.js';
export * from './faults.js';
export * from './specs.js';
export * from './vendor-fake.js';
export * from './wait.js';
export * from './webhook-hub.js';
export * from './webhooks.js';
