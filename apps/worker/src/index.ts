// @vahub/worker: the flows, composed from core's ports and engines only (no connector is imported here).
export {
  type DraftInvoicesInput,
  type DraftInvoicesResult,
  draftInvoices,
} from './flows/draft-invoices.js';
export {
  type AgendaItem,
  type BlockExplanation,
  type ScheduleSummary,
  type ScheduleTasksInput,
  scheduleTasks,
  type UnplacedTask,
} from './flows/schedule-tasks.js';
