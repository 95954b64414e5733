export * from './cursor-store.js';
export * from './hash-mirror.js';
export * from './mirrors.js';
export * from './state-store.js';
