import type { IsoDate, IsoInstant } from '../domain/types.js';
import type { IsoWeek } from '../time/weeks.js';

/**
 * A weekly client report: plain data (JSON-safe), the same for every renderer and for the dashboard.
 * Hours are decimal strings with up to 4 decimals ("12.5"), amounts decimal strings in the
 * currency's digits ("1000.00"); every local time is in the client's zone and already written out.
 */
export interface WeeklyReport {
  /** Bumped when the shape changes, so stored reports can be told apart. */
  version: 1;
  clientId: string;
  clientName: string;
  /** The client's IANA zone: every date and time of the report is read there. */
  zone: string;
  week: ReportWeek;
  generatedAt: IsoInstant;
  /** "each entry rounded up to 15 min", "exact time": the client's billing rounding. */
  rounding: string;
  hours: WeekHours;
  /** Tasks completed in the week, oldest first. */
  completed: CompletedTask[];
  /** Open tasks assigned to the VA, the ones with the earliest next block first. */
  inProgress: TaskInProgress[];
  /** Open tasks due before the look-ahead ends (overdue ones included), earliest first. */
  deadlines: Deadline[];
  /** How far ahead `deadlines` looks, in days from `generatedAt`. */
  lookaheadDays: number;
  /** The billing period that holds `generatedAt`: its retainer and what is not invoiced yet. */
  billing: PeriodBilling;
  status: ReportStatus;
}

export interface ReportWeek {
  /** "2026-W49". */
  id: IsoWeek;
  /** Monday and Sunday, local dates. */
  firstDate: IsoDate;
  lastDate: IsoDate;
  /** "30 Nov – 6 Dec 2026". */
  label: string;
  start: IsoInstant;
  end: IsoInstant;
}

export interface WeekHours {
  /** Billable hours of the week, rounded as the client is billed: the sum of the projects. */
  totalHours: string;
  projects: ProjectHours[];
  /** Tracked but not billable (exact time, not rounded). */
  nonBillableHours: string;
  /** Timers still running: not counted until they stop. */
  runningEntries: number;
}

export interface ProjectHours {
  projectId: string | null;
  name: string;
  /** The sum of its tasks. */
  hours: string;
  tasks: TaskHours[];
}

export interface TaskHours {
  /** The time tracker's task id; null when the row is the entries' description. */
  taskId: string | null;
  name: string;
  hours: string;
  entries: number;
}

export interface CompletedTask {
  id: string;
  name: string;
  url: string | null;
  completedAt: IsoInstant;
  /** "Thu 26 Nov, 16:05". */
  completedLocal: string;
}

/** When a task is due, as the client reads it: a whole day, or an exact time. */
export type ReportDue =
  | { kind: 'date'; date: IsoDate; local: string; endsAt: IsoInstant }
  | { kind: 'instant'; at: IsoInstant; local: string; endsAt: IsoInstant };

export interface ReportBlock {
  start: IsoInstant;
  end: IsoInstant;
  /** "Tue 1 Dec, 09:00–10:30". */
  local: string;
}

export interface TaskInProgress {
  id: string;
  name: string;
  url: string | null;
  due: ReportDue | null;
  /** The task's next focus blocks on the VA's calendar (at most three). */
  nextBlocks: ReportBlock[];
}

export interface Deadline {
  id: string;
  name: string;
  url: string | null;
  due: ReportDue;
  overdue: boolean;
}

export interface PeriodBilling {
  /** "Nov 2026", "30 Nov – 6 Dec 2026". */
  label: string;
  firstDate: IsoDate;
  lastDate: IsoDate;
  currency: string;
  retainer: RetainerStatus | null;
  unbilled: Unbilled;
}

export interface RetainerStatus {
  includedHours: string;
  /** Carried in from the previous period, when the caller knew it. */
  carriedInHours: string;
  /** Included plus carried in. */
  allowanceHours: string;
  /** Every hour of the period so far, invoiced or not, rounded as billed. */
  usedHours: string;
  /** Allowance less used, never below 0. */
  leftHours: string;
  /** Used beyond the allowance. */
  overageHours: string;
  /** Used as a whole percentage of the allowance (may pass 100). */
  usedPercent: number;
}

export interface Unbilled {
  /** Hours tracked in the period and not on an invoice yet, rounded as billed. */
  hours: string;
  /** What the period's next draft would bill: its subtotal, before tax. */
  amount: string;
  /** How `amount` reads with tax: `Exclusive` amounts exclude it, `Inclusive` include it. */
  lineAmountTypes: 'Exclusive' | 'Inclusive' | 'NoTax';
  /** Why there is nothing to bill, when there is nothing. */
  note: string | null;
}

export interface ReportStatus {
  kind: 'on-track' | 'at-risk';
  /** What makes it at risk, for people: "2 tasks are overdue". */
  reasons: string[];
}

/** A report as kept for the dashboard and the CLI: the data, its renderings and where it was posted. */
export interface StoredWeeklyReport {
  clientId: string;
  /** "2026-W49". */
  week: IsoWeek;
  report: WeeklyReport;
  html: string;
  markdown: string;
  text: string;
  savedAt: IsoInstant;
  /** Where the client can read it; null: it waits for the VA to copy or send. */
  published: { destination: string; id: string; url: string | null; at: IsoInstant } | null;
}

/** Where prepared reports are kept (the jobs package's Redis store; a test's memory). */
export interface ReportArchive {
  /** Keep it, replacing the client's report of the same week. */
  save(report: StoredWeeklyReport): Promise<void>;
  get(clientId: string, week: IsoWeek): Promise<StoredWeeklyReport | null>;
}
