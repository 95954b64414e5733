import type { FakeResponse } from '@vahub/testkit';
import { durationOf, type FakeEntry, type FakeStore, togglTime } from './fake-store.js';

export interface ReportSettings {
  /** The largest `page_size` honoured; larger requests are cut to it. @defaultValue 50 */
  maxPageSize: number;
  /** The token owner's profile zone as a fixed UTC offset: report dates and instants are read in it. */
  profileOffsetMinutes: number;
  /** Whether `enrich_response` adds `tag_names` to rows; off, callers must map `tag_ids` themselves. */
  enrichTagNames: boolean;
}

interface Row {
  entries: FakeEntry[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const bad = (message: string): FakeResponse => ({ status: 400, json: message });

function ids(value: unknown): number[] | null | 'bad' {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) return 'bad';
  return value as number[];
}

function groupKey(e: FakeEntry): string {
  return JSON.stringify([e.user_id, e.project_id, e.task_id, e.description, e.billable, [...e.tags].sort()]);
}

/**
 * `POST /reports/api/v3/workspace/{wid}/search/time_entries`: filters, rows (one entry each, or grouped
 * when `grouped: true`), `page_size`, and the cursor headers `X-Next-ID`, `X-Next-Row-Number`,
 * `X-Next-Timestamp`. Running entries are included (stop null, negative seconds) so the connector's
 * own exclusion of them is exercised.
 */
export function searchReport(
  store: FakeStore,
  workspaceId: number,
  body: unknown,
  settings: ReportSettings,
): FakeResponse {
  if (typeof body !== 'object' || body === null) return bad('JSON body expected');
  const q = body as Record<string, unknown>;
  const { start_date: startDate, end_date: endDate } = q;
  if (
    typeof startDate !== 'string' ||
    typeof endDate !== 'string' ||
    !DATE.test(startDate) ||
    !DATE.test(endDate)
  ) {
    return bad('start_date and end_date must be dates (YYYY-MM-DD)');
  }
  if (endDate < startDate) return bad('end_date should be greater than start_date');
  const clientIds = ids(q.client_ids);
  const projectIds = ids(q.project_ids);
  if (clientIds === 'bad' || projectIds === 'bad')
    return bad('client_ids and project_ids must be integer arrays');
  const pageSize = Math.min(Math.max(1, Number(q.page_size ?? 50) || 50), settings.maxPageSize);
  const offset = settings.profileOffsetMinutes * 60_000;
  const localDate = (ms: number) => new Date(ms + offset).toISOString().slice(0, 10);

  const matching = [...store.entries.values()]
    .filter((e) => e.workspace_id === workspaceId && e.deletedAt === null)
    .filter((e) => localDate(e.start) >= startDate && localDate(e.start) <= endDate)
    .filter((e) => !projectIds || (e.project_id !== null && projectIds.includes(e.project_id)))
    .filter((e) => {
      if (!clientIds) return true;
      const clientId = e.project_id === null ? null : (store.projects.get(e.project_id)?.client_id ?? null);
      return clientId !== null && clientIds.includes(clientId);
    })
    .sort((a, b) => a.start - b.start || a.id - b.id);
  if (q.order_dir === 'DESC') matching.reverse();

  const rows: Row[] = [];
  const byKey = new Map<string, Row>();
  for (const e of matching) {
    const key = q.grouped === true ? groupKey(e) : String(e.id);
    const row = byKey.get(key);
    if (row) row.entries.push(e);
    else {
      const fresh = { entries: [e] };
      byKey.set(key, fresh);
      rows.push(fresh);
    }
  }

  const first = Number(q.first_row_number ?? 1);
  if (!Number.isInteger(first) || first < 1) return bad('first_row_number must be a positive integer');
  const firstRow = rows[first - 1];
  if (q.first_id !== undefined && firstRow && firstRow.entries[0]?.id !== q.first_id) {
    return bad('first_id does not match first_row_number');
  }
  const page = rows.slice(first - 1, first - 1 + pageSize);
  const next = rows[first - 1 + pageSize];
  const headers: Record<string, string> = {};
  if (next?.entries[0]) {
    headers['x-next-id'] = String(next.entries[0].id);
    headers['x-next-row-number'] = String(first + pageSize);
    headers['x-next-timestamp'] = String(Math.floor(next.entries[0].start / 1000));
  }
  const tagIds = store.tagIds(workspaceId);
  const json = page.map((row, i) => {
    const head = row.entries[0] as FakeEntry;
    const project = head.project_id === null ? undefined : store.projects.get(head.project_id);
    const out: Record<string, unknown> = {
      user_id: head.user_id,
      username: `user ${head.user_id}`,
      project_id: head.project_id,
      task_id: head.task_id,
      billable: head.billable,
      description: head.description,
      tag_ids: head.tags.map((t) => tagIds.get(t)).filter((id) => id !== undefined),
      hourly_rate_in_cents: project?.rate ? Math.round(project.rate * 100) : null,
      currency: project?.currency ?? 'USD',
      row_number: first + i,
      time_entries: row.entries.map((e) => ({
        id: e.id,
        seconds: durationOf(e),
        start: togglTime(e.start, settings.profileOffsetMinutes),
        stop: e.stop === null ? null : togglTime(e.stop, settings.profileOffsetMinutes),
        at: togglTime(e.at, settings.profileOffsetMinutes),
      })),
    };
    if (q.enrich_response === true) {
      if (settings.enrichTagNames) out.tag_names = [...head.tags];
      out.project_name = project?.name ?? null;
    }
    return out;
  });
  return { status: 200, headers, json };
}
