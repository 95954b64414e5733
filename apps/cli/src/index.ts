// @vahub/cli: the `vahub` command. Importable for tests and embedding; `main.ts` is the executable.
export { type OptionKind, type ParsedArgs, parseArgs } from './args.js';
export { runCli } from './cli.js';
export { checkCommand } from './commands/check.js';
export { CONNECT_USAGE, connectCommand, disconnectCommand } from './commands/connect.js';
export { demoCommand, demoDashboard } from './commands/demo.js';
export { DOCTOR_USAGE, doctorCommand } from './commands/doctor.js';
export type { Finding } from './commands/doctor-checks.js';
export { INIT_USAGE, initCommand } from './commands/init.js';
export { billingPeriod, INVOICE_USAGE, invoiceCommand } from './commands/invoice.js';
export { PLAN_USAGE, planCommand } from './commands/plan.js';
export { openRuntime, type ReportCommandDeps, type ReportRuntime, reportCommand } from './commands/report.js';
export { type HtmlToPdfOptions, htmlToPdf } from './commands/report-pdf.js';
export { CliError, describeFailure, EXIT, type ExitCode } from './frame/exit.js';
export { useColour } from './frame/style.js';
export type { Io } from './io.js';
