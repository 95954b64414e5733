import { randomBytes } from 'node:crypto';
import { endpointEnvName } from '@vahub/core';
import {
  authGuard,
  decodeBasic,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  FakeServer,
  type VendorFake,
} from '@vahub/testkit';
import { FakeLimits } from './fake-limits.js';
import { patchTimeEntries } from './fake-patch.js';
import { type ReportSettings, searchReport } from './fake-reports.js';
import {
  type FakeClient,
  type FakeEntry,
  type FakeProject,
  FakeStore,
  type FakeTask,
  type FakeWorkspace,
} from './fake-store.js';
import { FakeSubscriptions } from './fake-subscriptions.js';
import { listMeTimeEntries } from './fake-time-entries.js';

export interface FakeTogglOptions {
  /** The token the fake accepts. @defaultValue a random one */
  apiToken?: string;
  /** The fake's clock (epoch ms): quotas, `at` stamps and `since` read it. @defaultValue Date.now */
  now?: () => number;
}

const API = '/api/v9';
const REPORTS = '/reports/api/v3';
const HOOKS = '/webhooks/api/v1';

const text = (status: number, message: string): FakeResponse => ({ status, json: message });

/** The fake's base URLs, under the names of the connector's endpoints. */
export type TogglEndpointUrls = {
  api: string;
  reports: string;
  webhooks: string;
};

/**
 * A faithful fake of the Toggl Track subset vahub uses: API v9, Reports v3 and Webhooks v1 over real
 * HTTP on 127.0.0.1, with Basic auth, the hourly quota (402) and leaky bucket (429), header paging,
 * JSON-patch bulk edits, signed webhook deliveries and a request log (`requests`). It shows testkit's
 * `VendorFake` face: `start`, `stop`, `endpoints()` and `env()`.
 */
export class FakeToggl implements VendorFake {
  readonly id = 'toggl';
  readonly server = new FakeServer('toggl');
  readonly store: FakeStore;
  readonly limits: FakeLimits;
  readonly webhooks: FakeSubscriptions;
  readonly reports: ReportSettings = { maxPageSize: 50, profileOffsetMinutes: 0, enrichTagNames: true };
  readonly apiToken: string;
  /** The clock; replace it to move time (`fake.now = () => t`). */
  now: () => number;
  readonly user = { id: 1, email: 'va@example.com', fullname: 'Vera Assistant', timezone: 'UTC' };

  constructor(options: FakeTogglOptions = {}) {
    this.apiToken = options.apiToken ?? randomBytes(16).toString('hex');
    this.now = options.now ?? Date.now;
    const clock = () => this.now();
    this.store = new FakeStore(clock, (action, entry) => this.webhooks.notify(action, entry));
    this.limits = new FakeLimits(clock);
    this.webhooks = new FakeSubscriptions(this.store, clock, () => this.server.url);
    this.guards();
    this.routes();
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.webhooks.idle();
    await this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  /** Base URLs under the descriptor's endpoint names, shaped like `config.endpoints.toggl`. */
  endpoints(): TogglEndpointUrls {
    return { api: this.url + API, reports: this.url + REPORTS, webhooks: this.url + HOOKS };
  }

  /** The token it accepts under `TOGGL_API_TOKEN`, and `VAHUB_ENDPOINT_TOGGL_*` pointing at it. */
  env(): Record<string, string> {
    const env: Record<string, string> = { TOGGL_API_TOKEN: this.apiToken };
    for (const [name, url] of Object.entries(this.endpoints())) env[endpointEnvName('toggl', name)] = url;
    return env;
  }

  /** Every request the fake answered, in order (method, path, query, headers, body, status). */
  get requests() {
    return this.server.requests;
  }

  requestsTo(method: string, path: string | RegExp) {
    return this.server.requestsTo(method, path);
  }

  addWorkspace(init: Partial<FakeWorkspace> = {}): FakeWorkspace {
    const ws: FakeWorkspace = {
      id: this.store.id(),
      name: 'VA workspace',
      organization_id: 77,
      default_hourly_rate: null,
      default_currency: 'USD',
      ...init,
    };
    this.store.workspaces.set(ws.id, ws);
    return ws;
  }

  addClient(workspaceId: number, init: Partial<FakeClient> = {}): FakeClient {
    const client: FakeClient = {
      id: this.store.id(),
      wid: workspaceId,
      name: 'Koala Co',
      archived: false,
      ...init,
    };
    this.store.clients.set(client.id, client);
    return client;
  }

  addProject(workspaceId: number, init: Partial<FakeProject> = {}): FakeProject {
    const project: FakeProject = {
      id: this.store.id(),
      workspace_id: workspaceId,
      client_id: null,
      name: 'Project',
      active: true,
      billable: true,
      rate: null,
      currency: null,
      ...init,
    };
    this.store.projects.set(project.id, project);
    return project;
  }

  addTask(project: FakeProject, init: Partial<FakeTask> = {}): FakeTask {
    const task: FakeTask = {
      id: this.store.id(),
      workspace_id: project.workspace_id,
      project_id: project.id,
      name: 'Task',
      active: true,
      estimated_seconds: null,
      ...init,
    };
    this.store.tasks.set(task.id, task);
    return task;
  }

  /** Add an entry (a `created` webhook goes out); `stop: null` makes it running. */
  addEntry(init: Partial<FakeEntry> & { workspace_id: number; start: number }): FakeEntry {
    return this.store.addEntry({ user_id: this.user.id, ...init });
  }

  /** Add many entries without webhook traffic (seeding large reports). */
  seedEntries(inits: (Partial<FakeEntry> & { workspace_id: number; start: number })[]): FakeEntry[] {
    return inits.map((init) => this.store.addEntry({ user_id: this.user.id, ...init }, true));
  }

  updateEntry(id: number, patch: Partial<Omit<FakeEntry, 'id'>>): FakeEntry {
    return this.store.updateEntry(id, patch);
  }

  deleteEntry(id: number): FakeEntry {
    return this.store.deleteEntry(id);
  }

  /** Basic auth with the token and the literal password `api_token`, then the leaky bucket and the quota. */
  private guards(): void {
    this.server.guard(
      authGuard({
        scheme: 'Basic',
        accepts: (credential) => {
          const basic = decodeBasic(credential);
          return basic?.user === this.apiToken && basic.password === 'api_token';
        },
        refuse: () => text(401, 'Incorrect username and/or password'),
      }),
    );
    this.server.guard(() => this.limits.admit(this.apiToken));
  }

  /** Quota headers on every answer, as Toggl sends them. */
  private withQuota(handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>): FakeHandler {
    return async (req) => {
      const res = await handler(req);
      return { ...res, headers: { ...this.limits.headers(this.apiToken), ...res.headers } };
    };
  }

  private workspace(req: FakeRequest): number | FakeResponse {
    const id = Number(req.params.wid);
    return this.store.workspaces.has(id) ? id : text(403, 'User does not have access to this resource.');
  }

  private inWorkspace<T extends object>(map: Map<number, T>, wid: number, key: keyof T): T[] {
    return [...map.values()].filter((v) => v[key] === wid);
  }

  private routes(): void {
    const s = this.server;
    const route = (
      method: string,
      path: string,
      h: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>,
    ) => s.route(method, path, this.withQuota(h));
    const withWs = (h: (req: FakeRequest, wid: number) => FakeResponse) => (req: FakeRequest) => {
      const wid = this.workspace(req);
      return typeof wid === 'number' ? h(req, wid) : wid;
    };

    route('GET', `${API}/me`, () => ({
      status: 200,
      json: {
        ...this.user,
        api_token: this.apiToken,
        default_workspace_id: [...this.store.workspaces.keys()][0] ?? null,
        beginning_of_week: 1,
      },
    }));
    route('GET', `${API}/me/workspaces`, () => ({ status: 200, json: [...this.store.workspaces.values()] }));
    route(
      'GET',
      `${API}/workspaces/:wid/clients`,
      withWs((_r, wid) => ({
        status: 200,
        json: this.inWorkspace(this.store.clients, wid, 'wid'),
      })),
    );
    route(
      'GET',
      `${API}/workspaces/:wid/projects`,
      withWs((req, wid) => {
        const page = listPage(req.query);
        if (typeof page === 'string') return text(400, page);
        const active = req.query.get('active') ?? 'true';
        const projects = this.inWorkspace(this.store.projects, wid, 'workspace_id')
          .filter((p) => active === 'both' || p.active === (active === 'true'))
          .sort((a, b) => a.id - b.id);
        return {
          status: 200,
          json: projects
            .slice((page.page - 1) * page.perPage, page.page * page.perPage)
            .map((p) => ({ ...p, wid: p.workspace_id, cid: p.client_id })),
        };
      }),
    );
    route(
      'GET',
      `${API}/workspaces/:wid/projects/:pid/tasks`,
      withWs((req, wid) => {
        const project = this.store.projects.get(Number(req.params.pid));
        if (!project || project.workspace_id !== wid) return text(404, 'Project not found');
        return {
          status: 200,
          json: [...this.store.tasks.values()].filter((t) => t.project_id === project.id),
        };
      }),
    );
    route(
      'GET',
      `${API}/workspaces/:wid/tags`,
      withWs((_r, wid) => ({
        status: 200,
        json: this.inWorkspace(this.store.tags, wid, 'workspace_id'),
      })),
    );
    route('GET', `${API}/me/time_entries`, (req) =>
      listMeTimeEntries(this.store, this.user.id, req.query, this.now()),
    );
    route(
      'PATCH',
      `${API}/workspaces/:wid/time_entries/:ids`,
      withWs((req, wid) => patchTimeEntries(this.store, wid, req.params.ids ?? '', req.json)),
    );
    route(
      'POST',
      `${REPORTS}/workspace/:wid/search/time_entries`,
      withWs((req, wid) => searchReport(this.store, wid, req.json, this.reports)),
    );

    route(
      'GET',
      `${HOOKS}/subscriptions/:wid`,
      withWs((_r, wid) => ({
        status: 200,
        json: [...this.webhooks.subs.values()]
          .filter((x) => x.workspace_id === wid)
          .map((x) => this.webhooks.json(x)),
      })),
    );
    route(
      'POST',
      `${HOOKS}/subscriptions/:wid`,
      withWs((req, wid) => this.webhooks.create(wid, this.user.id, req.json)),
    );
    route(
      'DELETE',
      `${HOOKS}/subscriptions/:wid/:sid`,
      withWs((req, wid) => {
        const sub = this.webhooks.subs.get(Number(req.params.sid));
        if (!sub || sub.workspace_id !== wid) return text(404, 'subscription not found');
        this.webhooks.subs.delete(sub.subscription_id);
        return { status: 200, json: this.webhooks.json(sub) };
      }),
    );
    route(
      'GET',
      `${HOOKS}/validate/:wid/:sid/:code`,
      withWs((req, wid) => this.webhooks.validate(wid, Number(req.params.sid), req.params.code ?? '')),
    );
    route(
      'POST',
      `${HOOKS}/ping/:wid/:sid`,
      withWs((req, wid) => {
        const sub = this.webhooks.subs.get(Number(req.params.sid));
        if (!sub || sub.workspace_id !== wid) return text(404, 'subscription not found');
        this.webhooks.ping(sub);
        return { status: 200, json: { status: 'OK' } };
      }),
    );
  }
}

/**
 * A v9 listing's page as Toggl's documentation gives it for projects: `page` from 1, `per_page` 151
 * unless asked, never over 200. Which projects come without `active` it does not say: the fake gives
 * the active ones only (the narrower reading), so a client that needs archived ones must ask `both`.
 */
function listPage(query: URLSearchParams): { page: number; perPage: number } | string {
  const page = Number(query.get('page') ?? 1);
  const perPage = Number(query.get('per_page') ?? 151);
  if (!Number.isInteger(page) || page < 1) return 'page must be a positive integer';
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) return 'per_page cannot exceed 200';
  return { page, perPage };
}
