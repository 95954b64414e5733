import { ConnectorError, type TimeEntry } from '@vahub/core';
import { z } from 'zod';
import { TogglHttp, type TogglHttpOptions, type TogglQuota } from './http.js';
import {
  mapCustomer,
  mapMe,
  mapProject,
  mapTask,
  mapTimeEntry,
  mapWorkspace,
  type TogglCustomer,
  type TogglMe,
  type TogglProject,
  type TogglTask,
  type TogglWorkspace,
} from './mappers.js';
import { type ReportResult, type ReportSearch, searchTimeEntries } from './reports.js';
import {
  bulkPatchResultSchema,
  clientSchema,
  meSchema,
  projectSchema,
  taskSchema,
  timeEntrySchema,
  workspaceSchema,
} from './schemas.js';
import { TogglSubscriptions } from './subscriptions.js';

/** Toggl refuses a bulk PATCH of more ids than this. */
export const BULK_PATCH_LIMIT = 100;

export interface TogglClientOptions extends TogglHttpOptions {
  /** Reports v3 rows per request. @defaultValue 50 */
  reportPageSize?: number;
  /** @defaultValue 500 */
  reportMaxPages?: number;
}

export interface BulkTagResult {
  /** Entries that now carry (or no longer carry) the tag. */
  success: string[];
  failure: { id: string; message: string }[];
  /** PATCH requests spent: one per batch of at most 100 ids. */
  requests: number;
}

const ws = (workspaceId: string) => `/workspaces/${encodeURIComponent(workspaceId)}`;

function assertIds(ids: readonly string[], operation: string): void {
  const bad = ids.find((id) => !/^\d+$/.test(id));
  if (bad !== undefined) {
    throw new ConnectorError({
      provider: 'toggl',
      operation,
      code: 'validation',
      retryable: false,
      message: `time entry ids must be numeric Toggl ids, got ${JSON.stringify(bad.slice(0, 40))}`,
    });
  }
}

/** Toggl's largest page of projects. */
const PROJECTS_PER_PAGE = 200;
/** At most 10,000 projects a workspace: far past any VA's, and a bound should a server page forever. */
const MAX_PROJECT_PAGES = 50;

/** A small typed client for Toggl Track API v9, Reports API v3 and Webhooks API v1. */
export class TogglClient {
  readonly subscriptions: TogglSubscriptions;
  private readonly http: TogglHttp;

  constructor(private readonly options: TogglClientOptions) {
    this.http = new TogglHttp(options);
    this.subscriptions = new TogglSubscriptions(this.http);
  }

  /** The hourly quota as of Toggl's latest answer, so callers can pace. */
  get quota(): TogglQuota | null {
    return this.http.quota;
  }

  async me(): Promise<TogglMe> {
    const res = await this.http.request({
      api: 'api',
      method: 'GET',
      path: '/me',
      operation: 'getMe',
      schema: meSchema,
    });
    return mapMe(res.data);
  }

  async workspaces(): Promise<TogglWorkspace[]> {
    const res = await this.http.request({
      api: 'api',
      method: 'GET',
      path: '/me/workspaces',
      operation: 'listWorkspaces',
      schema: z.array(workspaceSchema),
    });
    return res.data.map(mapWorkspace);
  }

  async clients(workspaceId: string): Promise<TogglCustomer[]> {
    const res = await this.http.request({
      api: 'api',
      method: 'GET',
      path: `${ws(workspaceId)}/clients`,
      operation: 'listClients',
      schema: z.array(clientSchema).nullable(),
    });
    return (res.data ?? []).map(mapCustomer);
  }

  /**
   * Every project of a workspace, archived ones too (an entry on a project archived since is still
   * billed, under its name), page by page: Toggl answers at most 200 a page (151 unless asked).
   */
  async projects(workspaceId: string): Promise<TogglProject[]> {
    const byId = new Map<string, TogglProject>();
    for (let page = 1; page <= MAX_PROJECT_PAGES; page++) {
      const res = await this.http.request({
        api: 'api',
        method: 'GET',
        path: `${ws(workspaceId)}/projects`,
        query: { active: 'both', page, per_page: PROJECTS_PER_PAGE },
        operation: 'listProjects',
        schema: z.array(projectSchema).nullable(),
      });
      const listed = (res.data ?? []).map(mapProject);
      const known = byId.size;
      for (const project of listed) byId.set(project.id, project);
      // A short page is the last; so is one that brought nothing new (a server that ignores `page`).
      if (listed.length < PROJECTS_PER_PAGE || byId.size === known) break;
    }
    return [...byId.values()];
  }

  async tasks(workspaceId: string, projectId: string): Promise<TogglTask[]> {
    const res = await this.http.request({
      api: 'api',
      method: 'GET',
      path: `${ws(workspaceId)}/projects/${encodeURIComponent(projectId)}/tasks`,
      operation: 'listTasks',
      schema: z.array(taskSchema).nullable(),
    });
    return (res.data ?? []).map(mapTask);
  }

  /** The token owner's entries that started in `[start, end)`; running ones included (negative duration). */
  async timeEntries(range: { start: string; end: string }): Promise<TimeEntry[]> {
    const res = await this.http.request({
      api: 'api',
      method: 'GET',
      path: '/me/time_entries',
      operation: 'listTimeEntries',
      query: { start_date: range.start, end_date: range.end },
      schema: z.array(timeEntrySchema).nullable(),
    });
    return (res.data ?? []).map(mapTimeEntry);
  }

  /**
   * The token owner's entries modified since `since` (epoch ms), deleted ones included and flagged
   * `deleted: true`: the sweep that heals missed webhooks.
   */
  async timeEntriesSince(since: number): Promise<TimeEntry[]> {
    const res = await this.http.request({
      api: 'api',
      method: 'GET',
      path: '/me/time_entries',
      operation: 'listTimeEntriesSince',
      query: { since: Math.floor(since / 1000) },
      schema: z.array(timeEntrySchema).nullable(),
    });
    return (res.data ?? []).map(mapTimeEntry);
  }

  /** Every entry of a Reports v3 detailed search (all users of the workspace the token may see). */
  report(search: ReportSearch): Promise<ReportResult> {
    return searchTimeEntries(this.http, search, {
      pageSize: this.options.reportPageSize ?? 50,
      maxPages: this.options.reportMaxPages ?? 500,
    });
  }

  /**
   * Add or remove one tag on many entries with JSON-patch, at most 100 ids per request. Toggl applies
   * each entry on its own (no transaction), so the result lists what succeeded and what failed.
   */
  async bulkTag(input: {
    workspaceId: string;
    entryIds: readonly string[];
    tag: string;
    op: 'add' | 'remove';
  }): Promise<BulkTagResult> {
    const operation = input.op === 'add' ? 'tagEntries' : 'untagEntries';
    assertIds(input.entryIds, operation);
    if (input.tag.trim().length === 0) {
      throw new ConnectorError({
        provider: 'toggl',
        operation,
        code: 'validation',
        retryable: false,
        message: 'the tag name is empty',
      });
    }
    const ids = [...new Set(input.entryIds)];
    const result: BulkTagResult = { success: [], failure: [], requests: 0 };
    for (let i = 0; i < ids.length; i += BULK_PATCH_LIMIT) {
      const batch = ids.slice(i, i + BULK_PATCH_LIMIT);
      const res = await this.http.request({
        api: 'api',
        method: 'PATCH',
        path: `${ws(input.workspaceId)}/time_entries/${batch.join(',')}`,
        operation,
        body: [{ op: input.op, path: '/tags', value: [input.tag] }],
        schema: bulkPatchResultSchema,
      });
      result.requests += 1;
      const success = (res.data.success ?? []).map(String);
      const failure = (res.data.failure ?? []).map((f) => ({
        id: String(f.id),
        message: f.message ?? 'failed',
      }));
      // An id Toggl says nothing about was not changed as far as vahub can tell: never count it done.
      const answered = new Set([...success, ...failure.map((f) => f.id)]);
      const unanswered = batch.filter((id) => !answered.has(id));
      result.success.push(...success);
      result.failure.push(
        ...failure,
        ...unanswered.map((id) => ({ id, message: 'Toggl did not report this entry as changed' })),
      );
    }
    return result;
  }
}
