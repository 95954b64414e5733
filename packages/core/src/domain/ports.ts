import type {
  BusyInterval,
  CalendarBlock,
  InvoiceDraft,
  InvoiceStatus,
  IsoInstant,
  Task,
  TimeEntry,
} from './types.js';

/** "Something happened to task X": the worker re-reads the task to learn what is true now. */
export interface TaskChange {
  taskId: string;
  projectId: string | null;
  action: 'added' | 'changed' | 'removed' | 'deleted' | 'undeleted';
  at: IsoInstant | null;
}

export interface TaskEventsPage {
  changes: TaskChange[];
  /** Where to read from next time. */
  cursor: string;
  /** The old cursor had expired: changes were lost, so re-list the project's open tasks. */
  resyncNeeded: boolean;
}

/** Tasks (Asana, later Trello or ClickUp). */
export interface TaskSource {
  getTask(taskId: string): Promise<Task | null>;
  listOpenTasks(projectId: string): Promise<Task[]>;
  readEvents(projectId: string, cursor: string | null): Promise<TaskEventsPage>;
}

export interface TimeQuery {
  workspaceId: string;
  start: IsoInstant;
  end: IsoInstant;
  /** Only entries of these projects, or of this client's projects. */
  projectIds?: string[];
  clientId?: string;
}

/** Tracked time (Toggl, later Clockify). */
export interface TimeSource {
  listTimeEntries(query: TimeQuery): Promise<TimeEntry[]>;
  tagEntries(workspaceId: string, entryIds: readonly string[], tag: string): Promise<void>;
  untagEntries(workspaceId: string, entryIds: readonly string[], tag: string): Promise<void>;
}

export interface TimeWindow {
  start: IsoInstant;
  end: IsoInstant;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** The VA's calendar (Google, later Outlook). */
export interface CalendarPort {
  /**
   * What makes the VA busy in `window` apart from vahub's own blocks (those come from `listBlocks`;
   * the planner decides where they go): meetings and other events that block time, including any
   * that lie inside or across a block. Free, declined and cancelled events do not count. Sorted,
   * disjoint intervals clipped to the window.
   */
  busy(window: TimeWindow): Promise<BusyInterval[]>;
  /** Insert or update a block under its deterministic id. Safe to repeat. */
  upsertBlock(block: CalendarBlock & { description?: string; colorId?: string }): Promise<UpsertOutcome>;
  /** Delete a block; an already-gone block is not an error. */
  deleteBlock(blockId: string): Promise<void>;
  listBlocks(window: TimeWindow): Promise<CalendarBlock[]>;
}

export interface Contact {
  id: string;
  name: string;
  email: string | null;
}

export interface CreatedInvoice {
  invoiceId: string;
  invoiceNumber: string | null;
  status: InvoiceStatus;
  total: string;
}

/** Where invoices go (Xero, later QuickBooks). Tenant is fixed per sink instance or named per call. */
export interface InvoiceSink {
  findContact(query: {
    tenantId: string;
    contactId?: string;
    name?: string;
    email?: string;
  }): Promise<Contact | null>;
  /** Create a draft with the draft's idempotency key: repeating the call creates nothing new. */
  createDraft(tenantId: string, draft: InvoiceDraft): Promise<CreatedInvoice>;
  getInvoiceStatus(tenantId: string, invoiceId: string): Promise<InvoiceStatus | null>;
}
