// @vahub/cli: the `vahub` command. Importable for tests and embedding; `main.ts` is the executable.
export { type OptionKind, type ParsedArgs, parseArgs } from './args.js';
export { runCli } from './cli.js';
export { checkCommand } from './commands/check.js';
export { openRuntime, type ReportCommandDeps, type ReportRuntime, reportCommand } from './commands/report.js';
export { type HtmlToPdfOptions, htmlToPdf } from './commands/report-pdf.js';
export type { DemoFakes } from './demo/fakes.js';
export { KOALA_PROJECT, type ReportWorld, startReportWorld } from './demo/report-world.js';
export {
  type ClientInvoiceRun,
  DEMO_NOW,
  type DemoOptions,
  type DemoOutput,
  type DemoResult,
  previousBillingPeriod,
  runDemo,
} from './demo/run-demo.js';
export { busyMeetings } from './demo/seed-google.js';
export type { Io } from './io.js';
