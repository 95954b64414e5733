export { createServer, type WebhookServer, type WebhookServerOptions } from './server.js';
export { closeOnSignals } from './shutdown.js';
