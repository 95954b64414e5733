import type { DraftManifest, PeriodDraft } from '../invoicing/ledger.js';
import type { InvoiceTarget, NameLookup } from '../invoicing/types.js';
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
  /** Where it happened in the source's terms (a project), opaque to vahub. */
  projectId: string | null;
  action: 'added' | 'changed' | 'removed' | 'deleted' | 'undeleted';
  at: IsoInstant | null;
}

export interface TaskChangesPage {
  changes: TaskChange[];
  /** Where to read from next time; opaque, the source's own. */
  cursor: string;
  /** The old cursor had expired: changes were lost, so re-list the client's open tasks. */
  resyncNeeded: boolean;
}

/**
 * Tasks (Asana, later Trello or ClickUp). Clients are vahub's client ids; which projects stand behind
 * a client is the connector's business. A task filed under two clients' projects fails with core's
 * `AmbiguousClientError`.
 */
export interface TaskSource {
  /** The task, or null when the source no longer has it or it belongs to no configured client. */
  getTask(taskId: string): Promise<Task | null>;
  /** Every open task of the client, each once. */
  listOpenTasks(clientId: string): Promise<Task[]>;
  /** What changed in the client's tasks since `cursor` (null: start from now). */
  readChanges(clientId: string, cursor: string | null): Promise<TaskChangesPage>;
  /**
   * The client's tasks completed in `[start, end)`, each once, with `completedAt`: what a weekly
   * report lists as done. Whoever completed them.
   */
  listCompletedTasks(clientId: string, window: TimeWindow): Promise<Task[]>;
}

/** A client's tracked time that started in [start, end). */
export interface TimeQuery {
  clientId: string;
  start: IsoInstant;
  end: IsoInstant;
}

/** A task as a time source matches entries to it: its id and link in the task source, and its name. */
export interface TaskRef {
  id: string;
  url: string | null;
  name: string;
}

/** Tracked time (Toggl, later Clockify). The connector knows which workspace and projects are the client's. */
export interface TimeSource {
  /**
   * Minutes tracked on each of the client's `tasks` in entries that started in `window` (task id →
   * minutes, 0 when none), matched by the connector's rules (the task's link or id in an entry, as the
   * time app's task-tool integration writes it); a running entry counts up to `window.end`. The source
   * may read less far back than `window.start` (its config says how far). Null when the client's time
   * is not matched to tasks (its config does not say how). Optional: a source without it leaves
   * tracked time unknown.
   */
  trackedMinutesByTask?(
    clientId: string,
    tasks: readonly TaskRef[],
    window: TimeWindow,
  ): Promise<ReadonlyMap<string, number> | null>;
  listTimeEntries(query: TimeQuery): Promise<TimeEntry[]>;
  /**
   * Every entry created, changed or deleted at or after `since`, from one cheap read, each with the
   * clients it counts for now; null when the source cannot tell (then every client is counted
   * again). Optional: without it, a sweep counts every client.
   */
  changesSince?(since: IsoInstant): Promise<TimeChange[] | null>;
  /** Mark entries (`invoiced`); safe to repeat. */
  tagEntries(clientId: string, entryIds: readonly string[], tag: string): Promise<void>;
  untagEntries(clientId: string, entryIds: readonly string[], tag: string): Promise<void>;
  /**
   * Project and task names of the client's time, so invoice lines read "Social media", not an id.
   * Task names come when the client is billed per task, or when `options.tasks` asks for them (a
   * report of hours per task); they may cost the source more reads.
   */
  names(clientId: string, options?: { tasks?: boolean }): Promise<NameLookup>;
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
  /**
   * Insert or update a block under its deterministic id. Safe to repeat. `known`: the caller read
   * this block from the calendar (the planner moves or retitles it), so an implementation may update
   * it in place first and insert only when it is gone; the outcome is the same either way.
   */
  upsertBlock(
    block: CalendarBlock & { description?: string; colorId?: string },
    options?: { known?: boolean },
  ): Promise<UpsertOutcome>;
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

/**
 * Where invoices go (Xero, later QuickBooks). Clients are vahub's client ids; which organisation and
 * contact stand behind a client is the connector's business.
 */
export interface InvoiceSink {
  /** The client's contact, account and tax type, from the connector's config. */
  target(clientId: string): InvoiceTarget;
  /** The client's contact as the invoicing app has it; null when it is not there. */
  findContact(clientId: string): Promise<Contact | null>;
  /** Create a draft with the draft's idempotency key: repeating the call creates nothing new. */
  createDraft(clientId: string, draft: InvoiceDraft): Promise<CreatedInvoice>;
  getInvoiceStatus(clientId: string, invoiceId: string): Promise<InvoiceStatus | null>;
  /**
   * The billing ledger (core's invoicing LEDGER.md): the drafts of a client's period, any status,
   * found by their `Reference` (the period key, or "<key> sup<n>"), each with the manifest stored
   * on it. A sink without these three methods gets the flow without the ledger.
   */
  findPeriodDrafts?(clientId: string, periodKey: string): Promise<PeriodDraft[]>;
  /** Replace a DRAFT's content (lines, dates, reference) with `draft`; refused once it is approved. */
  updateDraft?(clientId: string, invoiceId: string, draft: InvoiceDraft): Promise<CreatedInvoice>;
  /** Store the manifest on the draft; `findPeriodDrafts` then reads the latest one written. */
  writeManifest?(clientId: string, invoiceId: string, manifest: DraftManifest): Promise<void>;
}

/** A client's report as a publisher posts it: plain text, titled so this week's copy can be found again. */
export interface PublishableReport {
  /** "Weekly report 2026-W49 · Koala Co Pty Ltd". */
  title: string;
  /** An earlier post whose title starts with this is the same report: "Weekly report 2026-W49". */
  titleKey: string;
  /** The report as plain text (the place it goes to shows text as typed). */
  text: string;
  /** The report was not posted before this instant (the start of its week): where to start looking. */
  notBefore: IsoInstant;
  /** `at-risk` when something needs the client's attention (an overdue task). */
  status: 'on-track' | 'at-risk';
}

export interface PublishedReport {
  /** The source's id of the post. */
  id: string;
  /** Where a person can read it, when the source says. */
  url: string | null;
  /** `existing`: this week's report was already there, so nothing was posted. */
  outcome: 'posted' | 'existing';
}

/**
 * Where a client already looks for news of the work (an Asana project's status updates, later a
 * Trello card or a ClickUp doc): weekly reports are posted there when the client's config says so.
 */
export interface ReportPublisher {
  /** Where the client's reports go, in words for the VA ("project 1207… status updates"); null: not posted. */
  destination(clientId: string): string | null;
  /**
   * Post the report unless a post with its `titleKey` already exists since `notBefore`: running the
   * weekly job again never posts twice. Concurrent calls for one client and week need a lock.
   */
  publish(clientId: string, report: PublishableReport): Promise<PublishedReport>;
}

/** One entry as a `changesSince` read saw it (deleted ones with `deleted: true`). */
export interface TimeChange {
  entry: TimeEntry;
  /** The clients whose time it is now ([] for none, e.g. time on no project); null when it cannot be told. */
  clientIds: string[] | null;
  /** Every client of the entry's workspace: those it may have counted for before, or must be counted again. */
  workspaceClients: string[];
}
