export * from './currency.js';
export * from './decimal.js';
