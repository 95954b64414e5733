import { ConnectorError, type TimeEntry } from '@vahub/core';
import { z } from 'zod';
import type { TogglHttp } from './http.js';
import { mapReportRow } from './mappers.js';
import { type RawReportRow, reportRowSchema, tagSchema } from './schemas.js';

export interface ReportSearch {
  workspaceId: string;
  /** Local dates as Toggl reads them (the token owner's profile zone); `endDate` after `startDate`. */
  startDate: string;
  endDate: string;
  clientIds?: readonly string[];
  projectIds?: readonly string[];
}

export interface ReportOptions {
  /** Rows asked for per request. Larger pages spend fewer of Toggl's hourly requests. @defaultValue 50 */
  pageSize: number;
  /** Refuse to go on past this many pages rather than loop on a bad cursor. @defaultValue 500 */
  maxPages: number;
}

export interface ReportResult {
  entries: TimeEntry[];
  /** Requests spent, pages and the tag lookup included. */
  requests: number;
}

const rowsSchema = z.array(reportRowSchema);
const tagsSchema = z.array(tagSchema);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function numericIds(ids: readonly string[] | undefined, what: string): number[] | undefined {
  if (!ids || ids.length === 0) return undefined;
  return ids.map((id) => {
    if (!/^\d+$/.test(id)) {
      throw new ConnectorError({
        provider: 'toggl',
        operation: 'searchTimeEntries',
        code: 'validation',
        retryable: false,
        message: `${what} must be numeric Toggl ids, got ${JSON.stringify(id.slice(0, 40))}`,
      });
    }
    return Number(id);
  });
}

/** How often a report is read again from its first page when its cursor went stale. */
const MAX_RESTARTS = 3;

function nextCursor(headers: Headers): Record<string, number> | null {
  const row = headers.get('x-next-row-number');
  if (!row) return null;
  const cursor: Record<string, number> = { first_row_number: Number(row) };
  const id = headers.get('x-next-id');
  const ts = headers.get('x-next-timestamp');
  if (id) cursor.first_id = Number(id);
  if (ts) cursor.first_timestamp = Number(ts);
  return cursor;
}

/**
 * Every time entry of a Reports v3 detailed search, across all pages (`X-Next-ID` / `X-Next-Row-Number`
 * handed back as `first_id` / `first_row_number`). One request per page: with Toggl's hourly quota a
 * month of a client's time costs one request as long as it fits a page.
 */
export async function searchTimeEntries(
  http: TogglHttp,
  search: ReportSearch,
  options: ReportOptions,
): Promise<ReportResult> {
  const operation = 'searchTimeEntries';
  if (!DATE.test(search.startDate) || !DATE.test(search.endDate) || search.endDate <= search.startDate) {
    throw new ConnectorError({
      provider: 'toggl',
      operation,
      code: 'validation',
      retryable: false,
      message: `report dates must be YYYY-MM-DD with the end after the start, got ${search.startDate}..${search.endDate}`,
    });
  }
  const filters = {
    start_date: search.startDate,
    end_date: search.endDate,
    client_ids: numericIds(search.clientIds, 'client ids'),
    project_ids: numericIds(search.projectIds, 'project ids'),
    page_size: options.pageSize,
    // Tag names ride along with the rows; without them a second request would be needed.
    enrich_response: true,
    order_by: 'date',
    order_dir: 'ASC',
  };
  const rows: RawReportRow[] = [];
  const seen = new Set<string>();
  let cursor: Record<string, number> | null = null;
  let requests = 0;
  let restarts = 0;
  for (;;) {
    if (requests >= options.maxPages) {
      throw new ConnectorError({
        provider: 'toggl',
        operation,
        code: 'unexpected_response',
        retryable: false,
        message: `the report did not end within ${options.maxPages} pages: narrow the date range`,
      });
    }
    const res = await http
      .request({
        api: 'reports',
        method: 'POST',
        path: `/workspace/${encodeURIComponent(search.workspaceId)}/search/time_entries`,
        operation,
        body: { ...filters, ...cursor },
        schema: rowsSchema,
      })
      .catch((err: unknown) => {
        // Entries added or removed while the pages are read move the rows under the cursor, and
        // Toggl refuses it (400: first_id does not match first_row_number). The report is read again
        // from its first page, a few times at most.
        if (cursor && err instanceof ConnectorError && err.status === 400 && restarts < MAX_RESTARTS) {
          return null;
        }
        throw err;
      });
    if (!res) {
      restarts += 1;
      requests += 1;
      rows.length = 0;
      seen.clear();
      cursor = null;
      continue;
    }
    requests += 1;
    rows.push(...res.data);
    cursor = nextCursor(res.headers);
    if (!cursor) break;
    const key = JSON.stringify(cursor);
    if (seen.has(key) || res.data.length === 0) {
      throw new ConnectorError({
        provider: 'toggl',
        operation,
        code: 'unexpected_response',
        retryable: false,
        message:
          'Toggl repeated a page cursor or sent an empty page with a cursor; the report cannot go on safely',
      });
    }
    seen.add(key);
  }

  let tagNames: Map<number, string> | null = null;
  if (rows.some((r) => !r.tag_names && (r.tag_ids?.length ?? 0) > 0)) {
    const tags = await http.request({
      api: 'api',
      method: 'GET',
      path: `/workspaces/${encodeURIComponent(search.workspaceId)}/tags`,
      operation: 'listTags',
      schema: tagsSchema,
    });
    requests += 1;
    tagNames = new Map(tags.data.map((t) => [t.id, t.name]));
  }
  const entries = rows.flatMap((row) => mapReportRow(row, search.workspaceId, tagNames));
  return { entries, requests };
}
