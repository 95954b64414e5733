// @vahub/worker: the flows, composed from core's ports and engines only (no connector is imported here).
export {
  type DraftInvoicesInput,
  type DraftInvoicesResult,
  draftInvoices,
} from './flows/draft-invoices.js';
export type { LedgerReport } from './flows/ledger-run.js';
export { type EditedEntry, keepsLedger, type LedgerSink } from './flows/ledger-state.js';
export { type ReconcileResult, reconcileInvoiceStatus } from './flows/reconcile-invoices.js';
export type {
  IgnoredBlockProblem,
  ScheduleProblem,
  UnreadableTaskProblem,
} from './flows/schedule-problems.js';
export type {
  AgendaItem,
  BlockExplanation,
  ScheduleSummary,
  UnplacedTask,
} from './flows/schedule-summary.js';
export { SCHEDULE_LOOKBACK_DAYS, type ScheduleTasksInput, scheduleTasks } from './flows/schedule-tasks.js';
export { InvoiceTaggingIncompleteError, TAG_BATCH_SIZE } from './flows/tag-invoiced.js';
export {
  upcomingBlocks,
  type WeeklyReportInput,
  type WeeklyReportResult,
  weeklyReport,
} from './flows/weekly-report.js';
export {
  type WeeklyReportJobContext,
  type WeeklyReportJobDeps,
  type WeeklyReportJobPayload,
  type WeeklyReportJobResult,
  weeklyReportJob,
} from './jobs/weekly-report-job.js';
