export * from './currency.js';
export * from './decimal.js';
export * from './invoice-amounts.js';
