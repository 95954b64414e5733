import type { FakeRequest, FakeServer } from '@vahub/testkit';
import { project } from './model.js';
import { API_PREFIX, asanaError, type FakeState, paged, userOf } from './routes.js';

/** A project's status update as the fake keeps it. Asana's can be created and deleted, never edited. */
export interface FakeStatusUpdate {
  gid: string;
  parentGid: string;
  title: string;
  text: string;
  statusType: string;
  authorGid: string;
  createdAt: string;
}

/** The `status_type`s the spec allows on a project's update (goals have others). */
const PROJECT_STATUS_TYPES = new Set(['on_track', 'at_risk', 'off_track', 'on_hold', 'complete', 'dropped']);

function compact(u: FakeStatusUpdate): Record<string, unknown> {
  return {
    gid: u.gid,
    resource_type: 'status_update',
    title: u.title,
    resource_subtype: 'project_status_update',
  };
}

function full(state: FakeState, u: FakeStatusUpdate): Record<string, unknown> {
  const author = state.users.get(u.authorGid);
  const person = author ? { gid: author.gid, resource_type: 'user', name: author.name } : null;
  const parent = state.projects.get(u.parentGid);
  return {
    ...compact(u),
    text: u.text,
    status_type: u.statusType,
    author: person,
    created_by: person,
    created_at: u.createdAt,
    modified_at: u.createdAt,
    hearted: false,
    hearts: [],
    liked: false,
    likes: [],
    reaction_summary: [],
    num_hearts: 0,
    num_likes: 0,
    parent: { gid: u.parentGid, resource_type: 'project', name: parent?.name ?? '' },
  };
}

/**
 * `/status_updates` as the spec describes it: list a parent's updates (`parent` required,
 * `created_since`, offset pagination, compact records unless `opt_fields`), create one (`parent`,
 * `text` and a project `status_type` required; 201 with the full record), read and delete one.
 */
export function installStatusUpdateRoutes(server: FakeServer, state: FakeState): void {
  const p = (path: string) => `${API_PREFIX}${path}`;
  const fields = (req: FakeRequest) => req.query.get('opt_fields');

  server.route('GET', p('/status_updates'), (req) => {
    const parent = req.query.get('parent');
    if (!parent) return asanaError(400, 'parent: Missing input');
    if (!state.projects.has(parent)) return asanaError(404, `parent: Unknown object: ${parent}`);
    const sinceText = req.query.get('created_since');
    const since = sinceText === null ? Number.NEGATIVE_INFINITY : Date.parse(sinceText);
    if (Number.isNaN(since)) return asanaError(400, `created_since: Invalid date-time: ${sinceText}`);
    const items = [...state.statusUpdates.values()]
      .filter((u) => u.parentGid === parent && Date.parse(u.createdAt) >= since)
      .map((u) => project(full(state, u), fields(req), () => compact(u)));
    return paged(state, req, items, '/status_updates');
  });

  server.route('POST', p('/status_updates'), (req) => {
    const user = userOf(state, req);
    const data = (req.json as { data?: Record<string, unknown> } | undefined)?.data;
    if (!user) return asanaError(401, 'Not Authorized');
    if (!data || typeof data !== 'object') return asanaError(400, 'data: Missing input');
    const { parent, text, title, status_type: statusType } = data;
    if (typeof parent !== 'string' || parent === '') return asanaError(400, 'parent: Missing input');
    if (typeof text !== 'string') return asanaError(400, 'text: Missing input');
    if (typeof statusType !== 'string') return asanaError(400, 'status_type: Missing input');
    if (!PROJECT_STATUS_TYPES.has(statusType)) {
      return asanaError(400, `status_type: Invalid value for a project: ${statusType}`);
    }
    if (title !== undefined && typeof title !== 'string') return asanaError(400, 'title: Must be a string');
    if (!state.projects.has(parent)) return asanaError(404, `parent: Unknown object: ${parent}`);
    const update: FakeStatusUpdate = {
      gid: state.nextGid(),
      parentGid: parent,
      title: title ?? '',
      text,
      statusType,
      authorGid: user.gid,
      createdAt: state.nowIso(),
    };
    state.statusUpdates.set(update.gid, update);
    return { status: 201, json: { data: project(full(state, update), fields(req)) } };
  });

  server.route('GET', p('/status_updates/:status_update_gid'), (req) => {
    const found = state.statusUpdates.get(req.params.status_update_gid ?? '');
    if (!found) return asanaError(404, `status_update: Unknown object: ${req.params.status_update_gid}`);
    return { status: 200, json: { data: project(full(state, found), fields(req)) } };
  });

  server.route('DELETE', p('/status_updates/:status_update_gid'), (req) => {
    const gid = req.params.status_update_gid ?? '';
    if (!state.statusUpdates.delete(gid)) return asanaError(404, `status_update: Unknown object: ${gid}`);
    return { status: 200, json: { data: {} } };
  });
}
