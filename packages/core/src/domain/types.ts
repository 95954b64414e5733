import type { ClientConfig } from '../config/schema.js';

/** An instant as an ISO-8601 string in UTC ("2026-11-28T09:00:00.000Z"): what travels in jobs and ports. */
export type IsoInstant = string;
/** A calendar date, "2026-11-28". */
export type IsoDate = string;

/** A client of the VA, as configured. */
export type Client = ClientConfig;

/** When a task is due: a whole day (read in the client's zone) or an exact instant. */
export type TaskDue = { kind: 'date'; date: IsoDate } | { kind: 'instant'; at: IsoInstant };

export type TaskStatus = 'open' | 'completed' | 'deleted' | 'unassigned';

/**
 * Where a task sits on the urgent/important matrix, as the task source reads it (a priority field,
 * a custom field or tags, mapped per client). What the planner does with it:
 * - among tasks due at the same time, urgent and important goes first, then urgent, then important,
 *   then the rest (never ahead of an earlier deadline);
 * - when not every deadline can be kept, a task's late minutes weigh 1 + its rank (both 4, urgent 3,
 *   important 2, neither 1) in choosing which work is late;
 * - important work without a deadline is planned as if due a few days ahead (`importantWithinDays`),
 *   so work with deadlines cannot push it out forever.
 */
export interface TaskPriority {
  urgent: boolean;
  important: boolean;
}

/** Neither urgent nor important: what a task without a priority is. */
export const NO_PRIORITY: Readonly<TaskPriority> = Object.freeze({ urgent: false, important: false });

/** A task of a client, read from the task source (Asana). */
export interface Task {
  /** The source's id (an Asana gid). */
  id: string;
  clientId: string;
  name: string;
  url: string | null;
  status: TaskStatus;
  /** From the estimate custom field, else the client's default; null if neither is known. */
  estimateMinutes: number | null;
  /**
   * Minutes tracked on the task so far (the time source's entries matched to it), or null when no
   * time source covers it. Known tracked time is the work done: the planner books the estimate less
   * it, so a past block with no time tracked in it is work not done and is booked again. When it is
   * null the planner counts the task's past blocks as done instead.
   */
  trackedMinutes: number | null;
  due: TaskDue | null;
  /** Not to be worked on before this local date (Asana `start_on`) or instant (`start_at`). */
  startOn: TaskDue | null;
  /** Urgent and/or important; `NO_PRIORITY` when the source says nothing. */
  priority: TaskPriority;
  modifiedAt: IsoInstant | null;
  /** When it was completed, for a completed task whose source says so. */
  completedAt?: IsoInstant | null;
}

/** A Toggl time entry. `durationSeconds` is negative while the entry is running. */
export interface TimeEntry {
  id: string;
  workspaceId: string;
  projectId: string | null;
  taskId: string | null;
  description: string;
  start: IsoInstant;
  stop: IsoInstant | null;
  durationSeconds: number;
  billable: boolean;
  tags: string[];
  /** Deleted at the source (seen in `since` reads). */
  deleted?: boolean;
  /** When the source last changed it (Toggl `at`): tells a newer version of the entry from an older one. */
  updatedAt?: IsoInstant;
  /**
   * Who tracked it (Toggl `user_id`). Two entries of one person covering the same minutes are an
   * overlap; entries without it are taken to be one person's (the VA's own time).
   */
  userId?: string;
}

/** A stretch of the calendar that is taken. */
export interface BusyInterval {
  start: IsoInstant;
  end: IsoInstant;
  /** What makes it busy, for explanations: `meeting`, `all-day`, `out-of-office`, a calendar id. */
  source?: string;
}

/** A focus block vahub placed (or will place) for a task's chunk. */
export interface CalendarBlock {
  /** The deterministic event id (`blockEventId(client, task, chunk)`). */
  id: string;
  taskId: string;
  clientId: string;
  chunk: number;
  start: IsoInstant;
  end: IsoInstant;
  title: string;
  /** The VA moved or resized it by hand: the planner must leave it alone. */
  movedByVa: boolean;
}

export type LineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';

/** One invoice line. Decimal strings: quantity and unit amount with 4 decimals, line amount in the currency's digits. */
export interface InvoiceLine {
  description: string;
  quantity: string;
  unitAmount: string;
  lineAmount: string;
  accountCode: string;
  taxType: string;
  /**
   * Tax on this line as the invoicing app computes it (per line, rounded to 2 decimals half up);
   * present when the engine was given the tax rate.
   */
  taxAmount?: string;
  /**
   * The sink must send `taxAmount` as the line's tax instead of letting the app compute it: the
   * app's figure had a fraction of the currency's minor unit (yen), so it was rounded down.
   */
  taxAmountIsFixed?: boolean;
  /** The time entries the line bills. */
  entryIds: string[];
}

/** Tax and total of a draft as the invoicing app computes them: per line, rounded, then summed. */
export interface InvoiceTotals {
  /** Before tax: the sum of line amounts, less the tax inside them when amounts are `Inclusive`. */
  beforeTax: string;
  tax: string;
  total: string;
}

/** An invoice ready to be created as a draft in the invoice sink (Xero). */
export interface InvoiceDraft {
  clientId: string;
  contactId: string;
  currency: string;
  /** Invoice date and due date, local dates. */
  date: IsoDate;
  dueDate: IsoDate;
  /** Names the period, e.g. "vahub koala-co 2026-11". */
  reference: string;
  lineAmountTypes: LineAmountTypes;
  lines: InvoiceLine[];
  /** Sum of line amounts: before tax, unless `lineAmountTypes` is `Inclusive`. */
  subtotal: string;
  /** Tax and total; present when the engine was given the tax rate. */
  totals?: InvoiceTotals;
  entryIds: string[];
  idempotencyKey: string;
  period: { firstDate: IsoDate; lastDate: IsoDate; zone: string };
}

export type InvoiceStatus = 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'PAID' | 'VOIDED' | 'DELETED';
