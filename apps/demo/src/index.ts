// @vahub/demo: the demo's world — the four vendor fakes seeded with a VA's week and month, the
// example config, and the demo run itself — for `vahub demo` and for tests that need that world.
export { demoConfig, EXAMPLE_CONFIG } from './config.js';
export { type DemoFakes, demoEnv, startFakes, stopFakes } from './fakes.js';
export { countsLine, deadlineText, place } from './print-agenda.js';
export { KOALA_PROJECT, type ReportWorld, startReportWorld } from './report-world.js';
export {
  type ClientInvoiceRun,
  DEMO_NOW,
  type DemoOptions,
  type DemoOutput,
  type DemoResult,
  previousBillingPeriod,
  runDemo,
} from './run-demo.js';
export { seedAsana } from './seed-asana.js';
export { busyMeetings, seedGoogle } from './seed-google.js';
export { seedToggl } from './seed-toggl.js';
export { seedXero } from './seed-xero.js';
export { NO_REDIS, NoRedisError } from './service/redis.js';
export type {
  DemoDashboard,
  DemoDashboardInput,
  ServicePartResult,
} from './service/run-service.js';
