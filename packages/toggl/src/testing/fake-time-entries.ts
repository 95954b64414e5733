import type { FakeResponse } from '@vahub/testkit';
import { entryJson, type FakeStore } from './fake-store.js';

const THREE_MONTHS_MS = 90 * 86_400_000;

const text = (status: number, message: string): FakeResponse => ({ status, json: message });

/** Parse `YYYY-MM-DD` (midnight UTC) or an RFC 3339 instant. */
function instant(value: string | null): number | null {
  if (!value) return null;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * `GET /api/v9/me/time_entries`, not paginated: `since` (UNIX seconds; entries modified since then,
 * deleted ones included with `server_deleted_at`; at most three months back), or `start_date` with
 * `end_date`, or neither (the latest). Newest first, at most 1,000.
 */
export function listMeTimeEntries(
  store: FakeStore,
  userId: number,
  query: URLSearchParams,
  now: number,
): FakeResponse {
  const since = query.get('since');
  const start = query.get('start_date');
  const end = query.get('end_date');
  let entries = [...store.entries.values()].filter((e) => e.user_id === userId);
  if (since !== null) {
    if (!/^\d+$/.test(since)) return text(400, 'since must be a UNIX timestamp');
    const sinceMs = Number(since) * 1000;
    if (sinceMs < now - THREE_MONTHS_MS) return text(400, 'since cannot be older than 3 months');
    entries = entries.filter((e) => e.at >= sinceMs);
  } else if (start !== null || end !== null) {
    const from = instant(start);
    const to = instant(end);
    if (from === null || to === null) return text(400, 'start_date and end_date must be given together');
    if (to < from) return text(400, 'end_date must not be earlier than start_date');
    entries = entries.filter((e) => e.deletedAt === null && e.start >= from && e.start < to);
  } else {
    entries = entries.filter((e) => e.deletedAt === null);
  }
  entries.sort((a, b) => b.start - a.start);
  const tagsByWs = new Map<number, Map<string, number>>();
  const json = entries.slice(0, 1000).map((e) => {
    const tags = tagsByWs.get(e.workspace_id) ?? store.tagIds(e.workspace_id);
    tagsByWs.set(e.workspace_id, tags);
    return entryJson(e, tags);
  });
  return { status: 200, json };
}
