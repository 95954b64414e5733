// @vahub/worker: the flows, composed from core's ports and engines only (no connector is imported here).

export {
  type CoalescedRun,
  type Coalescing,
  type CompletedRuns,
  draftInvoicesCoalesced,
  isCoalesced,
} from './flows/coalesced-run.js';
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
export {
  CALENDAR_WRITES_IN_FLIGHT,
  SCHEDULE_LOOKBACK_DAYS,
  type ScheduleTasksInput,
  scheduleTasks,
} from './flows/schedule-tasks.js';
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
export type { ServiceDeps, ServicePorts } from './service/deps.js';
// The service: BullMQ workers running the flows, the receiver beside them (`vahub start`).
export { createHandlers } from './service/handlers.js';
export { RedisCompletedRuns } from './service/invoice-runs-store.js';
export { buildRuntime, type Runtime, type RuntimeOptions } from './service/runtime.js';
export { invoiceSchedulerId, type ServiceSchedules, upsertSchedules } from './service/schedules.js';
export {
  type RunningService,
  type StartServiceOptions,
  serviceParts,
  startService,
} from './service/start-service.js';
export {
  PLANNER_JOBS,
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
  workerQueues,
} from './service/start-worker.js';
export { DEFAULT_REPLAN_WINDOW_MS, FIRST_REPLAN_MS } from './service/task-jobs.js';
export { countChanges, refreshUnbilled, sweepUnbilled } from './service/time-jobs.js';
export { type RetainerFlag, UnbilledStore, type UnbilledSummary } from './service/unbilled-store.js';
