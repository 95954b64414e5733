// @vahub/dashboard: the VA's week, clients and vahub's health at a glance, read-only, no build step.

export { authFromEnv, type DashboardAuth, isLoopback, SESSION_COOKIE, TOKEN_ENV } from './server/auth.js';
export { createDashboard, type DashboardOptions } from './server/create.js';
export { type RunningDashboard, type StartDashboardOptions, startDashboard } from './server/start.js';
export * from './snapshot/index.js';
