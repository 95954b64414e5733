import { authGuard, type FakeRequest, type FakeResponse, type FakeServer } from '@vahub/testkit';
import type { EventLog } from './event-log.js';
import {
  compactTask,
  customFieldJson,
  type FakeCustomField,
  type FakeProject,
  type FakeTask,
  type FakeUser,
  type Lookup,
  project,
  projectJson,
  taskJson,
  userJson,
  WORKSPACE,
} from './model.js';
import type { Paginator } from './pagination.js';
import type { FakeStatusUpdate } from './status-updates.js';
import type { AsanaWebhooks, FakeWebhook, FakeWebhookFilter } from './webhooks.js';

/** What the routes read and change: the fake's state. */
export interface FakeState extends Lookup {
  users: Map<string, FakeUser>;
  projects: Map<string, FakeProject>;
  customFields: Map<string, FakeCustomField>;
  tasks: Map<string, FakeTask>;
  statusUpdates: Map<string, FakeStatusUpdate>;
  paginator: Paginator;
  events: EventLog;
  hooks: AsanaWebhooks;
  apiUrl(): string;
  /** Asana repeats the secret in the 201 body; a test can switch that off to exercise the fallback. */
  secretInCreateResponse(): boolean;
  nowIso(): string;
  nextGid(): string;
}

export const API_PREFIX = '/api/1.0';

const HELP =
  'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors';

/** Where permalinks point: the fake's root, standing in for https://app.asana.com. */
function webUrl(state: FakeState): string {
  return state.apiUrl().slice(0, -API_PREFIX.length);
}

export function asanaError(status: number, message: string): FakeResponse {
  return { status, json: { errors: [{ message, help: HELP }] } };
}

export function userOf(state: FakeState, req: FakeRequest): FakeUser | undefined {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  return token === undefined ? undefined : [...state.users.values()].find((u) => u.token === token);
}

/** Hand the route the token's user; the guard installed by `installRoutes` already refused anyone else. */
function authed(
  state: FakeState,
  handler: (req: FakeRequest, user: FakeUser) => FakeResponse | Promise<FakeResponse>,
) {
  return (req: FakeRequest) => {
    const user = userOf(state, req);
    if (!user) throw new Error('fake asana: a route ran without the auth guard');
    return handler(req, user);
  };
}

/**
 * Asana's docs show `last_success_at: null` on a new webhook, but the spec types these as strings:
 * the fake leaves them out until there is a time to report, which satisfies both.
 */
function webhookJson(hook: FakeWebhook): Record<string, unknown> {
  return {
    gid: hook.gid,
    resource_type: 'webhook',
    active: true,
    resource: hook.resource,
    target: hook.target,
    created_at: hook.createdAt,
    ...(hook.lastSuccessAt ? { last_success_at: hook.lastSuccessAt } : {}),
    ...(hook.lastFailureAt ? { last_failure_at: hook.lastFailureAt } : {}),
    last_failure_content: hook.lastFailureContent,
    delivery_retry_count: 0,
    filters: hook.filters,
  };
}

function compactWebhook(hook: Record<string, unknown>): Record<string, unknown> {
  const { gid, resource_type, active, resource, target } = hook;
  return { gid, resource_type, active, resource, target };
}

function completedSinceFilter(value: string | null): (t: FakeTask) => boolean {
  if (value === null) return () => true;
  if (value === 'now') return (t) => !t.completed;
  const since = Date.parse(value);
  if (Number.isNaN(since)) return () => true;
  return (t) => !t.completed || (t.completedAt !== null && Date.parse(t.completedAt) >= since);
}

export function paged(state: FakeState, req: FakeRequest, items: unknown[], path: string): FakeResponse {
  const result = state.paginator.page({ items, path, query: req.query });
  return result.ok ? { status: 200, json: result.body } : asanaError(result.status, result.message);
}

function readFilters(value: unknown): FakeWebhookFilter[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return null;
  return value.filter((f): f is FakeWebhookFilter => typeof f === 'object' && f !== null);
}

export function installRoutes(server: FakeServer, state: FakeState): void {
  const p = (path: string) => `${API_PREFIX}${path}`;
  server.guard(
    authGuard({
      scheme: 'Bearer',
      accepts: (token) => [...state.users.values()].some((u) => u.token === token),
      refuse: () => asanaError(401, 'Not Authorized'),
    }),
    new RegExp(`^${API_PREFIX}/`),
  );
  const fields = (req: FakeRequest) => req.query.get('opt_fields');

  server.route(
    'GET',
    p('/users/:user_gid'),
    authed(state, (req, me) => {
      const gid = req.params.user_gid === 'me' ? me.gid : (req.params.user_gid ?? '');
      const user = state.users.get(gid);
      if (!user) return asanaError(404, `user: Unknown object: ${gid}`);
      return { status: 200, json: { data: project(userJson(user), fields(req)) } };
    }),
  );

  // The fake has one workspace, holding every project.
  server.route(
    'GET',
    p('/workspaces'),
    authed(state, (req) => {
      const json = {
        gid: WORKSPACE.gid,
        resource_type: 'workspace',
        name: WORKSPACE.name,
        is_organization: false,
      };
      const compact = ({ gid, resource_type, name }: Record<string, unknown>) => ({
        gid,
        resource_type,
        name,
      });
      return paged(state, req, [project(json, fields(req), compact)], '/workspaces');
    }),
  );

  server.route(
    'GET',
    p('/workspaces/:workspace_gid/projects'),
    authed(state, (req) => {
      const gid = req.params.workspace_gid ?? '';
      if (gid !== WORKSPACE.gid) return asanaError(404, `workspace: Unknown object: ${gid}`);
      const archived = req.query.get('archived');
      const items = [...state.projects.values()]
        .filter((x) => archived === null || String(x.archived === true) === archived)
        .map((x) =>
          project(projectJson(x), fields(req), ({ gid, resource_type, name }) => ({
            gid,
            resource_type,
            name,
          })),
        );
      return paged(state, req, items, `/workspaces/${gid}/projects`);
    }),
  );

  server.route(
    'GET',
    p('/projects/:project_gid'),
    authed(state, (req) => {
      const found = state.projects.get(req.params.project_gid ?? '');
      if (!found) return asanaError(404, `project: Unknown object: ${req.params.project_gid}`);
      return { status: 200, json: { data: project(projectJson(found), fields(req)) } };
    }),
  );

  server.route(
    'GET',
    p('/projects/:project_gid/tasks'),
    authed(state, (req) => {
      const gid = req.params.project_gid ?? '';
      if (!state.projects.has(gid)) return asanaError(404, `project: Unknown object: ${gid}`);
      const keep = completedSinceFilter(req.query.get('completed_since'));
      const items = [...state.tasks.values()]
        .filter((t) => t.projectGids.includes(gid) && keep(t))
        .map((t) => project(taskJson(t, state, webUrl(state)), fields(req), () => compactTask(t)));
      return paged(state, req, items, `/projects/${gid}/tasks`);
    }),
  );

  server.route(
    'GET',
    p('/tasks/:task_gid'),
    authed(state, (req) => {
      const task = state.tasks.get(req.params.task_gid ?? '');
      if (!task) return asanaError(404, `task: Unknown object: ${req.params.task_gid}`);
      return { status: 200, json: { data: project(taskJson(task, state, webUrl(state)), fields(req)) } };
    }),
  );

  server.route(
    'GET',
    p('/custom_fields/:custom_field_gid'),
    authed(state, (req) => {
      const field = state.customFields.get(req.params.custom_field_gid ?? '');
      if (!field) return asanaError(404, `custom_field: Unknown object: ${req.params.custom_field_gid}`);
      return { status: 200, json: { data: project(customFieldJson(field), fields(req)) } };
    }),
  );

  server.route(
    'GET',
    p('/events'),
    authed(state, (req) => {
      const resource = req.query.get('resource');
      if (!resource) return asanaError(400, 'resource: Missing input');
      if (!state.projects.has(resource) && !state.tasks.has(resource)) {
        return asanaError(404, `resource: Unknown object: ${resource}`);
      }
      const answer = state.events.read(resource, req.query.get('sync'));
      return { status: answer.status, json: answer.body };
    }),
  );

  server.route(
    'POST',
    p('/webhooks'),
    authed(state, async (req, me) => {
      const data = (req.json as { data?: Record<string, unknown> } | undefined)?.data;
      const resource = typeof data?.resource === 'string' ? data.resource : null;
      const target = typeof data?.target === 'string' ? data.target : null;
      const filters = readFilters(data?.filters);
      if (!resource) return asanaError(400, 'resource: Missing input');
      if (!target) return asanaError(400, 'target: Missing input');
      if (!filters) return asanaError(400, 'filters: Must be an array');
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return asanaError(400, 'target: Invalid URL');
      }
      // Asana refuses "invalid hostnames like localhost"; the fake allows 127.0.0.1, where tests listen.
      if (url.hostname === 'localhost') return asanaError(403, 'target: Invalid hostname');
      const found = state.projects.get(resource) ?? state.tasks.get(resource);
      if (!found) return asanaError(404, `resource: Unknown object: ${resource}`);
      const handshake = await state.hooks.handshake(target);
      if (!handshake.ok) {
        return asanaError(
          400,
          'Could not complete activation handshake with target URL. Please ensure that the receiving server is accepting connections and echoes the X-Hook-Secret header.',
        );
      }
      const hook: FakeWebhook = {
        gid: state.nextGid(),
        resource: {
          gid: found.gid,
          resource_type: state.projects.has(found.gid) ? 'project' : 'task',
          name: found.name,
        },
        target,
        filters,
        secret: handshake.secret,
        ownerGid: me.gid,
        createdAt: state.nowIso(),
        lastSuccessAt: null,
        lastFailureAt: null,
        lastFailureContent: '',
      };
      state.hooks.webhooks.set(hook.gid, hook);
      const created = project(webhookJson(hook), fields(req));
      const json = state.secretInCreateResponse()
        ? { data: created, 'X-Hook-Secret': handshake.secret }
        : { data: created };
      return { status: 201, json };
    }),
  );

  server.route(
    'GET',
    p('/webhooks'),
    authed(state, (req, me) => {
      const workspace = req.query.get('workspace');
      if (!workspace) return asanaError(400, 'workspace: Missing input');
      const resource = req.query.get('resource');
      const items = [...state.hooks.webhooks.values()]
        .filter((h) => h.ownerGid === me.gid && (!resource || h.resource.gid === resource))
        .map((h) => project(webhookJson(h), fields(req), compactWebhook));
      return paged(state, req, items, '/webhooks');
    }),
  );

  server.route(
    'GET',
    p('/webhooks/:webhook_gid'),
    authed(state, (req, me) => {
      const hook = state.hooks.webhooks.get(req.params.webhook_gid ?? '');
      if (!hook || hook.ownerGid !== me.gid) {
        return asanaError(404, `webhook: Unknown object: ${req.params.webhook_gid}`);
      }
      return { status: 200, json: { data: project(webhookJson(hook), fields(req)) } };
    }),
  );

  server.route(
    'DELETE',
    p('/webhooks/:webhook_gid'),
    authed(state, (req, me) => {
      const gid = req.params.webhook_gid ?? '';
      const hook = state.hooks.webhooks.get(gid);
      if (!hook || hook.ownerGid !== me.gid) return asanaError(404, `webhook: Unknown object: ${gid}`);
      state.hooks.webhooks.delete(gid);
      return { status: 200, json: { data: {} } };
    }),
  );
}
