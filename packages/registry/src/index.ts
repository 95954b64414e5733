// @vahub/registry: the connectors in one list, the config they compose, and the ports built from them.
export * from './build.js';
export * from './config.js';
export * from './connectors.js';
export * from './context.js';
