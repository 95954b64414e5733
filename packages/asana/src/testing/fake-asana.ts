import { endpointEnvName } from '@vahub/core';
import { FakeServer, type VendorFake, type WebhookHub } from '@vahub/testkit';
import { ASANA_TOKEN_ENV } from '../config.js';
import { EventLog, type FakeEvent } from './event-log.js';
import { type FakeCustomField, type FakeProject, type FakeTask, type FakeUser, WORKSPACE } from './model.js';
import { Paginator } from './pagination.js';
import { API_PREFIX, type FakeState, installRoutes } from './routes.js';
import { type FakeStatusUpdate, installStatusUpdateRoutes } from './status-updates.js';
import { type AsanaDeliveryMeta, AsanaWebhooks, type FakeWebhook } from './webhooks.js';

export interface FakeAsanaOptions {
  /** The fake's clock (epoch ms): offsets and sync tokens expire against it. @defaultValue Date.now */
  now?: () => number;
  /** How long an offset token lives. @defaultValue 10 minutes */
  offsetTtlMs?: number;
  /** How long a sync token lives (Asana: 24 h). */
  syncTtlMs?: number;
  /** Events per `/events` answer before `has_more` (Asana: 100). */
  eventsPageSize?: number;
  /** How long the handshake and deliveries may take (Asana: 10 s). */
  webhookTimeoutMs?: number;
}

export interface NewTask {
  gid?: string;
  name: string;
  projects: string[];
  assignee?: string | null;
  completed?: boolean;
  dueOn?: string | null;
  dueAt?: string | null;
  startOn?: string | null;
  startAt?: string | null;
  customFields?: Record<string, number | string | null>;
  tags?: string[];
  notes?: string;
}

export type TaskPatch = Partial<Omit<NewTask, 'gid' | 'projects'>>;

const FIELD_NAMES: Record<keyof TaskPatch, string> = {
  name: 'name',
  assignee: 'assignee',
  completed: 'completed',
  dueOn: 'due_on',
  dueAt: 'due_at',
  startOn: 'start_on',
  startAt: 'start_at',
  customFields: 'custom_fields',
  tags: 'tags',
  notes: 'notes',
};

/**
 * A fake Asana on 127.0.0.1 that the real `asana` SDK talks to: users/me, projects, tasks with
 * custom fields, offset pagination, `/events` with sync tokens and 412, webhooks with a real
 * handshake and signed deliveries, plus testkit's request log and fault switches (`server.faults`).
 * Change data through the control methods (`createTask`, `updateTask`, …): they record events and
 * deliver them to webhooks, as Asana does. The first user added is the account vahub connects as:
 * `env()` hands out its token.
 */
export class FakeAsana implements VendorFake {
  readonly id = 'asana';
  readonly server = new FakeServer('asana');
  readonly state: FakeState;
  /** Events per `/events` answer; tests lower it to see `has_more` without 100 events. */
  eventsPageSize: number;
  /** Whether the 201 of a webhook creation repeats `X-Hook-Secret` (Asana's does). */
  secretInCreateResponse = true;
  private gid = 1_209_000_000_000_000;
  private readonly now: () => number;
  private readonly trash = new Map<string, FakeTask>();

  constructor(options: FakeAsanaOptions = {}) {
    this.now = options.now ?? Date.now;
    this.eventsPageSize = options.eventsPageSize ?? 100;
    const nowIso = () => new Date(this.now()).toISOString();
    const users = new Map<string, FakeUser>();
    const projects = new Map<string, FakeProject>();
    const customFields = new Map<string, FakeCustomField>();
    this.state = {
      users,
      projects,
      customFields,
      tasks: new Map(),
      statusUpdates: new Map(),
      user: (g) => users.get(g),
      project: (g) => projects.get(g),
      customField: (g) => customFields.get(g),
      paginator: new Paginator({
        now: this.now,
        ttlMs: options.offsetTtlMs ?? 10 * 60_000,
        apiUrl: () => this.apiUrl,
      }),
      events: new EventLog({
        now: this.now,
        ttlMs: options.syncTtlMs ?? 24 * 3_600_000,
        pageSize: () => this.eventsPageSize,
      }),
      hooks: new AsanaWebhooks({ timeoutMs: options.webhookTimeoutMs ?? 10_000, nowIso }),
      apiUrl: () => this.apiUrl,
      secretInCreateResponse: () => this.secretInCreateResponse,
      nowIso,
      nextGid: () => this.nextGid(),
    };
    installRoutes(this.server, this.state);
    installStatusUpdateRoutes(this.server, this.state);
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.hub.idle();
    await this.server.stop();
  }

  /** The API base URL (what `endpoints.asana.api` should be), once started. */
  get apiUrl(): string {
    return `${this.server.url}${API_PREFIX}`;
  }

  /**
   * The descriptor's endpoints. The fake serves the API only: vahub connects to Asana with a personal
   * access token, so the OAuth URLs are where Asana's would be, and answer 404 here.
   */
  endpoints(): Record<'api' | 'authorize' | 'token', string> {
    return {
      api: this.apiUrl,
      authorize: `${this.server.url}/-/oauth_authorize`,
      token: `${this.server.url}/-/oauth_token`,
    };
  }

  /** `ASANA_TOKEN` (the first user's, when there is one) and every `VAHUB_ENDPOINT_ASANA_*`. */
  env(): Record<string, string> {
    const owner = this.state.users.values().next().value;
    const endpoints = Object.entries(this.endpoints()).map(([name, url]) => [
      endpointEnvName('asana', name),
      url,
    ]);
    return {
      ...(owner ? { [ASANA_TOKEN_ENV]: owner.token } : {}),
      ...Object.fromEntries(endpoints),
    };
  }

  /** Every handshake and delivery the fake made (testkit's hub: `deliveries`, `waitForDelivery`, `idle`). */
  get hub(): WebhookHub<AsanaDeliveryMeta> {
    return this.state.hooks.hub;
  }

  /** The webhooks that exist, by gid. */
  get webhooks(): Map<string, FakeWebhook> {
    return this.state.hooks.webhooks;
  }

  nextGid(): string {
    this.gid += 1;
    return String(this.gid);
  }

  addUser(input: { gid?: string; name: string; token: string; email?: string }): FakeUser {
    const user = {
      gid: input.gid ?? this.nextGid(),
      name: input.name,
      token: input.token,
      email: input.email ?? `${input.name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
    };
    this.state.users.set(user.gid, user);
    return user;
  }

  addProject(input: { gid?: string; name: string; archived?: boolean }): FakeProject {
    const project = {
      gid: input.gid ?? this.nextGid(),
      name: input.name,
      workspaceGid: WORKSPACE.gid,
      archived: input.archived === true,
    };
    this.state.projects.set(project.gid, project);
    return project;
  }

  /** A number field (`duration` by default), or a single-select field when `options` are given. */
  addCustomField(input: {
    gid?: string;
    name: string;
    format?: FakeCustomField['format'];
    options?: string[];
  }): FakeCustomField {
    const gid = input.gid ?? this.nextGid();
    const field: FakeCustomField = input.options
      ? { gid, name: input.name, type: 'enum', format: 'none', options: [...input.options] }
      : { gid, name: input.name, format: input.format ?? 'duration' };
    this.state.customFields.set(field.gid, field);
    return field;
  }

  /** A project's status updates, oldest first (what the client sees on the project's Overview). */
  statusUpdatesOf(projectGid: string): FakeStatusUpdate[] {
    return [...this.state.statusUpdates.values()].filter((u) => u.parentGid === projectGid);
  }

  task(gid: string): FakeTask {
    const task = this.state.tasks.get(gid);
    if (!task) throw new Error(`fake asana: no task ${gid}`);
    return task;
  }

  private actor(): FakeEvent['user'] {
    const first = this.state.users.values().next().value;
    return first ? { gid: first.gid, resource_type: 'user', name: first.name } : null;
  }

  private emit(task: FakeTask, action: FakeEvent['action'], extra: Partial<FakeEvent> = {}): FakeEvent {
    return {
      user: this.actor(),
      resource: { gid: task.gid, resource_type: 'task', resource_subtype: 'default_task', name: task.name },
      type: 'task',
      action,
      created_at: this.state.nowIso(),
      ...extra,
    };
  }

  private publish(events: FakeEvent[], resources: string[]): void {
    for (const event of events) this.state.events.record(resources, event);
    this.state.hooks.deliver(events, resources);
  }

  private projectRef(gid: string) {
    return { gid, resource_type: 'project', name: this.state.projects.get(gid)?.name ?? '' };
  }

  createTask(input: NewTask): FakeTask {
    for (const gid of input.projects) {
      if (!this.state.projects.has(gid)) throw new Error(`fake asana: no project ${gid}`);
    }
    const at = this.state.nowIso();
    const task: FakeTask = {
      gid: input.gid ?? this.nextGid(),
      name: input.name,
      projectGids: [...input.projects],
      assigneeGid: input.assignee ?? null,
      completed: input.completed ?? false,
      completedAt: input.completed ? at : null,
      dueOn: input.dueOn ?? null,
      dueAt: input.dueAt ?? null,
      startOn: input.startOn ?? null,
      startAt: input.startAt ?? null,
      customFields: { ...input.customFields },
      tags: [...(input.tags ?? [])],
      notes: input.notes ?? '',
      createdAt: at,
      modifiedAt: at,
    };
    this.state.tasks.set(task.gid, task);
    const events = task.projectGids.map((p) => this.emit(task, 'added', { parent: this.projectRef(p) }));
    this.publish(events, [task.gid, ...task.projectGids]);
    return task;
  }

  updateTask(gid: string, patch: TaskPatch): FakeTask {
    const task = this.task(gid);
    const events: FakeEvent[] = [];
    for (const key of Object.keys(patch) as (keyof TaskPatch)[]) {
      const field = FIELD_NAMES[key];
      if (field === undefined) continue;
      events.push(this.emit(task, 'changed', { change: { field, action: 'changed' } }));
    }
    if (patch.name !== undefined) task.name = patch.name;
    if (patch.assignee !== undefined) task.assigneeGid = patch.assignee;
    if (patch.completed !== undefined) {
      task.completed = patch.completed;
      task.completedAt = patch.completed ? this.state.nowIso() : null;
    }
    if (patch.dueOn !== undefined) task.dueOn = patch.dueOn;
    if (patch.dueAt !== undefined) task.dueAt = patch.dueAt;
    if (patch.startOn !== undefined) task.startOn = patch.startOn;
    if (patch.startAt !== undefined) task.startAt = patch.startAt;
    if (patch.customFields !== undefined) task.customFields = { ...task.customFields, ...patch.customFields };
    if (patch.tags !== undefined) task.tags = [...patch.tags];
    if (patch.notes !== undefined) task.notes = patch.notes;
    task.modifiedAt = this.state.nowIso();
    this.publish(events, [task.gid, ...task.projectGids]);
    return task;
  }

  addTaskToProject(gid: string, projectGid: string): void {
    const task = this.task(gid);
    if (!this.state.projects.has(projectGid)) throw new Error(`fake asana: no project ${projectGid}`);
    if (!task.projectGids.includes(projectGid)) task.projectGids.push(projectGid);
    task.modifiedAt = this.state.nowIso();
    this.publish([this.emit(task, 'added', { parent: this.projectRef(projectGid) })], [gid, projectGid]);
  }

  removeTaskFromProject(gid: string, projectGid: string): void {
    const task = this.task(gid);
    task.projectGids = task.projectGids.filter((p) => p !== projectGid);
    task.modifiedAt = this.state.nowIso();
    this.publish([this.emit(task, 'removed', { parent: this.projectRef(projectGid) })], [gid, projectGid]);
  }

  deleteTask(gid: string): void {
    const task = this.task(gid);
    this.state.tasks.delete(gid);
    this.trash.set(gid, task);
    this.publish([this.emit(task, 'deleted')], [gid, ...task.projectGids]);
  }

  undeleteTask(gid: string): void {
    const task = this.trash.get(gid);
    if (!task) throw new Error(`fake asana: task ${gid} is not in the trash`);
    this.trash.delete(gid);
    this.state.tasks.set(gid, task);
    this.publish([this.emit(task, 'undeleted')], [gid, ...task.projectGids]);
  }

  /** Make every sync token stale: the next `/events` read answers 412. */
  expireSyncTokens(): void {
    this.state.events.expireAll();
  }

  /** Make every pagination offset stale: the next page read answers 400. */
  expireOffsets(): void {
    this.state.paginator.expireAll();
  }

  /** Send Asana's heartbeat (a signed delivery with `events: []`) to a webhook. */
  heartbeat(webhookGid: string): void {
    this.state.hooks.heartbeat(webhookGid);
  }
}
