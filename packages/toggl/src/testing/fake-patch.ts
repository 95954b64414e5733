import type { FakeResponse } from '@vahub/testkit';
import type { FakeEntry, FakeStore } from './fake-store.js';

/** Toggl's bulk PATCH refuses more ids than this in one request. */
export const PATCH_LIMIT = 100;

type Op =
  | { op: 'add' | 'remove'; path: '/tags'; value: string[] }
  | { op: 'replace'; path: string; value: unknown };

const bad = (message: string): FakeResponse => ({ status: 400, json: message });

function readOps(body: unknown): Op[] | string {
  if (!Array.isArray(body) || body.length === 0) return 'No patchable fields defined';
  const ops: Op[] = [];
  for (const raw of body as Record<string, unknown>[]) {
    const { op, path, value } = raw ?? {};
    if (op !== 'add' && op !== 'remove' && op !== 'replace') return `Invalid op: ${String(op)}`;
    if (typeof path !== 'string' || !path.startsWith('/')) return `Invalid path format: ${String(path)}`;
    if (path === '/tags' && op !== 'replace') {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        return '/tags expects an array of strings';
      ops.push({ op, path, value: value as string[] });
    } else if (op === 'replace' && (path === '/description' || path === '/billable')) {
      ops.push({ op, path, value });
    } else {
      return `Operation not supported (${op} ${path})`;
    }
  }
  return ops;
}

function apply(entry: FakeEntry, ops: Op[]): Partial<FakeEntry> {
  let tags = [...entry.tags];
  const patch: Partial<FakeEntry> = {};
  for (const op of ops) {
    if (op.path === '/tags' && op.op === 'add')
      tags = [...tags, ...(op.value as string[]).filter((t) => !tags.includes(t))];
    else if (op.path === '/tags' && op.op === 'remove')
      tags = tags.filter((t) => !(op.value as string[]).includes(t));
    else if (op.path === '/description') patch.description = String(op.value);
    else if (op.path === '/billable') patch.billable = Boolean(op.value);
  }
  return { ...patch, tags };
}

/**
 * `PATCH /api/v9/workspaces/{wid}/time_entries/{ids}`: JSON-patch on up to 100 entries. Each entry is
 * applied on its own (no transaction): the answer lists `success` ids and `failure` `{id, message}`.
 */
export function patchTimeEntries(
  store: FakeStore,
  workspaceId: number,
  idList: string,
  body: unknown,
): FakeResponse {
  const parts = idList.split(',');
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p)))
    return bad('Invalid value as time entry IDs');
  if (parts.length > PATCH_LIMIT) return bad(`PATCH request is limited to ${PATCH_LIMIT} entries at once`);
  const ops = readOps(body);
  if (typeof ops === 'string') return bad(ops);
  const success: number[] = [];
  const failure: { id: number; message: string }[] = [];
  for (const id of parts.map(Number)) {
    const entry = store.entries.get(id);
    if (!entry || entry.workspace_id !== workspaceId || entry.deletedAt !== null) {
      failure.push({ id, message: 'Time entry not found' });
      continue;
    }
    store.updateEntry(id, apply(entry, ops));
    success.push(id);
  }
  return { status: 200, json: { success, failure } };
}
