import {
  type ClientConfig,
  ConfigError,
  ConnectorError,
  type Task,
  type TaskChange,
  type TaskEventsPage,
  type TaskSource,
} from '@vahub/core';
import type { AsanaClient } from './client.js';
import { AmbiguousTaskClientError } from './errors.js';
import { toTask, toTaskChange } from './mapping.js';
import { asanaEvent } from './schemas.js';

/** Something vahub saw but will not act on, reported instead of guessed or silently dropped. */
export type TaskProblem =
  | { kind: 'ambiguous_client'; taskId: string; clientIds: string[]; projectId: string | null }
  | { kind: 'unreadable_event'; projectId: string; reason: string };

export interface AsanaTaskSourceOptions {
  client: AsanaClient;
  /** The configured clients: `clients[].asana.projects` decide whose a task is. */
  clients: readonly ClientConfig[];
  /** Told about tasks left out of a listing and events that could not be read. */
  onProblem?: (problem: TaskProblem) => void;
  /** Pages of events read per call before handing back a cursor (the next call continues). @defaultValue 50 */
  maxEventPages?: number;
}

/** Refuse a config where one project belongs to two clients: every task in it would be ambiguous. */
function checkProjects(clients: readonly ClientConfig[]): void {
  const owner = new Map<string, string>();
  const issues = [];
  for (const [i, client] of clients.entries()) {
    for (const [j, project] of client.asana.projects.entries()) {
      const other = owner.get(project);
      if (other !== undefined && other !== client.id) {
        issues.push({
          path: `clients[${i}].asana.projects[${j}]`,
          message: `project ${project} is also listed for client "${other}": a project belongs to one client`,
        });
      }
      owner.set(project, client.id);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

/** Core's `TaskSource` over Asana. */
export class AsanaTaskSource implements TaskSource {
  private readonly client: AsanaClient;
  private readonly clients: readonly ClientConfig[];
  private readonly onProblem: (problem: TaskProblem) => void;
  private readonly maxEventPages: number;
  private me: Promise<string> | null = null;

  constructor(options: AsanaTaskSourceOptions) {
    checkProjects(options.clients);
    this.client = options.client;
    this.clients = options.clients;
    this.onProblem = options.onProblem ?? (() => undefined);
    this.maxEventPages = options.maxEventPages ?? 50;
    if (!Number.isInteger(this.maxEventPages) || this.maxEventPages < 1) {
      throw new RangeError('maxEventPages must be a whole number >= 1');
    }
  }

  /** The VA's Asana user gid (the token's user), read once. */
  vaUserGid(): Promise<string> {
    if (!this.me) {
      this.me = this.client.me().then(
        (user) => user.gid,
        (err: unknown) => {
          this.me = null;
          throw err;
        },
      );
    }
    return this.me;
  }

  /**
   * The task as vahub sees it; null when it is deleted or in none of the configured clients'
   * projects (either way: nothing for vahub to do). In two clients' projects: `AmbiguousTaskClientError`.
   */
  async getTask(taskId: string): Promise<Task | null> {
    const [raw, vaUserGid] = await Promise.all([this.client.getTask(taskId), this.vaUserGid()]);
    if (!raw) return null;
    const mapped = toTask(raw, { clients: this.clients, vaUserGid });
    if (mapped.kind === 'ambiguous') {
      throw new AmbiguousTaskClientError({ operation: 'getTask', taskId, clientIds: mapped.clientIds });
    }
    return mapped.kind === 'task' ? mapped.task : null;
  }

  /** The project's incomplete tasks. Tasks also in another client's project are left out and reported. */
  async listOpenTasks(projectId: string): Promise<Task[]> {
    if (!this.clients.some((c) => c.asana.projects.includes(projectId))) {
      throw new ConnectorError({
        provider: 'asana',
        operation: 'listOpenTasks',
        code: 'validation',
        retryable: false,
        message: `project ${projectId} is not configured for any client`,
      });
    }
    const [raws, vaUserGid] = await Promise.all([
      this.client.listIncompleteTasks(projectId),
      this.vaUserGid(),
    ]);
    const tasks: Task[] = [];
    for (const raw of raws) {
      const mapped = toTask(raw, { clients: this.clients, vaUserGid });
      if (mapped.kind === 'task') tasks.push(mapped.task);
      else if (mapped.kind === 'ambiguous') {
        this.onProblem({ kind: 'ambiguous_client', taskId: raw.gid, clientIds: mapped.clientIds, projectId });
      }
    }
    return tasks;
  }

  /**
   * Changes since `cursor` (null: never read). An expired or missing cursor answers with a fresh one
   * and `resyncNeeded`; `has_more` pages are read on, up to `maxEventPages` per call.
   */
  async readEvents(projectId: string, cursor: string | null): Promise<TaskEventsPage> {
    const changes: TaskChange[] = [];
    let sync = cursor;
    for (let page = 0; page < this.maxEventPages; page++) {
      const read = await this.client.readEvents(projectId, sync);
      if (read.kind === 'expired') return { changes, cursor: read.sync, resyncNeeded: true };
      for (const item of read.events) {
        const parsed = asanaEvent.safeParse(item);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const reason = `${issue?.path.join('.') || '(event)'}: ${issue?.message ?? 'invalid'}`;
          this.onProblem({ kind: 'unreadable_event', projectId, reason });
          continue;
        }
        const change = toTaskChange(parsed.data, projectId);
        if (change) changes.push(change);
      }
      sync = read.sync;
      if (!read.hasMore) break;
    }
    // The loop ran at least once (maxEventPages >= 1) and either returned or stored a token.
    return { changes, cursor: sync ?? '', resyncNeeded: false };
  }
}
