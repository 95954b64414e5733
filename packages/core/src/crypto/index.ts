export * from './hmac.js';
export * from './ids.js';
