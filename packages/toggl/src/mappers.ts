import type { TimeEntry } from '@vahub/core';
import type { z } from 'zod';
import type {
  clientSchema,
  meSchema,
  projectSchema,
  RawReportRow,
  RawSubscription,
  RawTimeEntry,
  taskSchema,
  workspaceSchema,
} from './schemas.js';

/** The user behind the token. The token itself (Toggl returns it in `/me`) is deliberately not kept. */
export interface TogglMe {
  id: string;
  email: string | null;
  fullname: string | null;
  timezone: string | null;
  defaultWorkspaceId: string | null;
}

export interface TogglWorkspace {
  id: string;
  name: string;
  organizationId: string | null;
  defaultHourlyRate: number | null;
  defaultCurrency: string | null;
}

/** A Toggl "client": the VA's customer. Named so it is never confused with an HTTP client. */
export interface TogglCustomer {
  id: string;
  workspaceId: string | null;
  name: string;
  archived: boolean;
}

export interface TogglProject {
  id: string;
  workspaceId: string | null;
  clientId: string | null;
  name: string;
  active: boolean;
  billable: boolean;
  rate: number | null;
  currency: string | null;
}

export interface TogglTask {
  id: string;
  projectId: string | null;
  workspaceId: string | null;
  name: string;
  active: boolean;
  estimatedSeconds: number | null;
}

export interface TogglEventFilter {
  entity: string;
  action: string;
}

export interface TogglSubscription {
  id: string;
  workspaceId: string;
  enabled: boolean;
  description: string | null;
  eventFilters: TogglEventFilter[];
  urlCallback: string;
  validatedAt: string | null;
}

const str = (value: number | null | undefined): string | null =>
  value === null || value === undefined ? null : String(value);

/** Toggl writes offsets ("+02:00"); ports carry UTC instants. Parsing an offset instant is exact. */
export function toUtc(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${JSON.stringify(value.slice(0, 40))}`);
  return new Date(ms).toISOString();
}

export function mapMe(raw: z.infer<typeof meSchema>): TogglMe {
  return {
    id: String(raw.id),
    email: raw.email ?? null,
    fullname: raw.fullname ?? null,
    timezone: raw.timezone ?? null,
    defaultWorkspaceId: str(raw.default_workspace_id),
  };
}

export function mapWorkspace(raw: z.infer<typeof workspaceSchema>): TogglWorkspace {
  return {
    id: String(raw.id),
    name: raw.name,
    organizationId: str(raw.organization_id),
    defaultHourlyRate: raw.default_hourly_rate ?? null,
    defaultCurrency: raw.default_currency ?? null,
  };
}

export function mapCustomer(raw: z.infer<typeof clientSchema>): TogglCustomer {
  return {
    id: String(raw.id),
    workspaceId: str(raw.workspace_id ?? raw.wid),
    name: raw.name,
    archived: raw.archived ?? false,
  };
}

export function mapProject(raw: z.infer<typeof projectSchema>): TogglProject {
  return {
    id: String(raw.id),
    workspaceId: str(raw.workspace_id ?? raw.wid),
    clientId: str(raw.client_id ?? raw.cid),
    name: raw.name,
    active: raw.active ?? true,
    billable: raw.billable ?? false,
    rate: raw.rate ?? null,
    currency: raw.currency ?? null,
  };
}

export function mapTask(raw: z.infer<typeof taskSchema>): TogglTask {
  return {
    id: String(raw.id),
    projectId: str(raw.project_id),
    workspaceId: str(raw.workspace_id),
    name: raw.name,
    active: raw.active ?? true,
    estimatedSeconds: raw.estimated_seconds ?? null,
  };
}

/** A v9 time entry as core's `TimeEntry`. A running entry keeps its negative duration and has no stop. */
export function mapTimeEntry(raw: RawTimeEntry): TimeEntry {
  const running = raw.duration < 0;
  const entry: TimeEntry = {
    id: String(raw.id),
    workspaceId: str(raw.workspace_id ?? raw.wid) ?? '',
    projectId: str(raw.project_id ?? raw.pid),
    taskId: str(raw.task_id ?? raw.tid),
    description: raw.description ?? '',
    start: toUtc(raw.start),
    stop: running || !raw.stop ? null : toUtc(raw.stop),
    durationSeconds: raw.duration,
    billable: raw.billable ?? false,
    tags: raw.tags ?? [],
  };
  if (raw.server_deleted_at) entry.deleted = true;
  if (raw.at) entry.updatedAt = toUtc(raw.at);
  return entry;
}

/** Flatten one Reports v3 row into its time entries; `tagNames` resolves ids when the row has no names. */
export function mapReportRow(
  row: RawReportRow,
  workspaceId: string,
  tagNames: ReadonlyMap<number, string> | null,
): TimeEntry[] {
  const tags =
    row.tag_names ??
    (row.tag_ids ?? []).map((tagId) => tagNames?.get(tagId)).filter((n): n is string => n !== undefined);
  return row.time_entries.map((te) => {
    const running = te.seconds < 0 || !te.stop;
    return {
      id: String(te.id),
      workspaceId,
      projectId: str(row.project_id),
      taskId: str(row.task_id),
      description: row.description ?? '',
      start: toUtc(te.start),
      stop: running || !te.stop ? null : toUtc(te.stop),
      durationSeconds: running && te.seconds >= 0 ? -1 : te.seconds,
      billable: row.billable ?? false,
      tags: [...tags],
      ...(te.at ? { updatedAt: toUtc(te.at) } : {}),
    };
  });
}

export function mapSubscription(raw: RawSubscription): TogglSubscription {
  return {
    id: String(raw.subscription_id),
    workspaceId: String(raw.workspace_id),
    enabled: raw.enabled,
    description: raw.description ?? null,
    eventFilters: raw.event_filters.map((f) => ({ entity: f.entity, action: f.action })),
    urlCallback: raw.url_callback,
    validatedAt: raw.validated_at ?? null,
  };
}

/** Whether an entry is still running (its timer has not been stopped). */
export function isRunning(entry: Pick<TimeEntry, 'durationSeconds' | 'stop'>): boolean {
  return entry.durationSeconds < 0 || entry.stop === null;
}

export interface TimeTotals {
  billableSeconds: number;
  nonBillableSeconds: number;
  /** Running entries are counted here and in no total: a running timer is never billed. */
  running: number;
  deleted: number;
}

/** Totals over finished, live entries. */
export function timeTotals(entries: readonly TimeEntry[]): TimeTotals {
  const totals: TimeTotals = { billableSeconds: 0, nonBillableSeconds: 0, running: 0, deleted: 0 };
  for (const e of entries) {
    if (e.deleted) totals.deleted += 1;
    else if (isRunning(e)) totals.running += 1;
    else if (e.billable) totals.billableSeconds += e.durationSeconds;
    else totals.nonBillableSeconds += e.durationSeconds;
  }
  return totals;
}
