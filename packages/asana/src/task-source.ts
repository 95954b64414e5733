import {
  AmbiguousClientError,
  ConfigError,
  type Task,
  type TaskChange,
  type TaskChangesPage,
  type TaskSource,
  type TimeWindow,
} from '@vahub/core';
import type { AsanaClient } from './client.js';
import { type AsanaClientEntry, checkProjects } from './config.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toTask, toTaskChange } from './mapping.js';
import { asanaEvent } from './schemas.js';

/** Something vahub saw but will not act on, reported instead of guessed or silently dropped. */
export type TaskProblem =
  | { kind: 'ambiguous_client'; taskId: string; clientIds: string[]; projectId: string | null }
  | { kind: 'unreadable_event'; projectId: string; reason: string };

export interface AsanaTaskSourceOptions {
  client: AsanaClient;
  /** The clients with an `asana` section: their projects decide whose a task is. */
  clients: readonly AsanaClientEntry[];
  /** Told about tasks left out of a listing and events that could not be read. */
  onProblem?: (problem: TaskProblem) => void;
  /** Pages of events read per project and call before handing back a cursor (the next call continues). @defaultValue 50 */
  maxEventPages?: number;
}

/** Core's `TaskSource` over Asana: a vahub client stands for the Asana projects listed under it. */
export class AsanaTaskSource implements TaskSource {
  private readonly client: AsanaClient;
  private readonly clients: readonly AsanaClientEntry[];
  private readonly onProblem: (problem: TaskProblem) => void;
  private readonly maxEventPages: number;
  private me: Promise<string> | null = null;

  constructor(options: AsanaTaskSourceOptions) {
    const issues = checkProjects(
      options.clients.map((c, index) => ({ index, clientId: c.client.id, section: c.section })),
    );
    if (issues.length > 0) throw new ConfigError(issues);
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

  /** The projects behind a vahub client; none for a client without an `asana` section. */
  projectsOf(clientId: string): readonly string[] {
    const found = this.clients.find((c) => c.client.id === clientId);
    return found ? [...new Set(found.section.projects)] : [];
  }

  /**
   * The task as vahub sees it; null when it is deleted or in none of the configured clients'
   * projects (either way: nothing for vahub to do). In two clients' projects: core's `AmbiguousClientError`.
   */
  async getTask(taskId: string): Promise<Task | null> {
    const [raw, vaUserGid] = await Promise.all([this.client.getTask(taskId), this.vaUserGid()]);
    if (!raw) return null;
    const mapped = toTask(raw, { clients: this.clients, vaUserGid });
    if (mapped.kind === 'ambiguous') {
      throw new AmbiguousClientError({
        provider: 'asana',
        operation: 'getTask',
        what: `task ${taskId}`,
        clientIds: mapped.clientIds,
      });
    }
    return mapped.kind === 'task' ? mapped.task : null;
  }

  /**
   * The client's incomplete tasks, across all its projects, each once. Tasks also in another client's
   * project are left out and reported. A client without Asana projects has none.
   */
  async listOpenTasks(clientId: string): Promise<Task[]> {
    const projects = this.projectsOf(clientId);
    if (projects.length === 0) return [];
    const [vaUserGid, ...listings] = await Promise.all([
      this.vaUserGid(),
      ...projects.map((p) => this.client.listIncompleteTasks(p)),
    ]);
    const tasks = new Map<string, Task>();
    listings.forEach((raws, i) => {
      for (const raw of raws) {
        if (tasks.has(raw.gid)) continue;
        const mapped = toTask(raw, { clients: this.clients, vaUserGid });
        if (mapped.kind === 'task') tasks.set(raw.gid, mapped.task);
        else if (mapped.kind === 'ambiguous') {
          this.onProblem({
            kind: 'ambiguous_client',
            taskId: raw.gid,
            clientIds: mapped.clientIds,
            projectId: projects[i] ?? null,
          });
        }
      }
    });
    return [...tasks.values()];
  }

  /**
   * The client's tasks completed in `[start, end)`, across its projects, each once, whoever completed
   * them (a report lists the work done). Tasks also in another client's project are left out and
   * reported, as in `listOpenTasks`.
   */
  async listCompletedTasks(clientId: string, window: TimeWindow): Promise<Task[]> {
    const projects = this.projectsOf(clientId);
    if (projects.length === 0) return [];
    const from = Date.parse(window.start);
    const to = Date.parse(window.end);
    const [vaUserGid, ...listings] = await Promise.all([
      this.vaUserGid(),
      ...projects.map((p) => this.client.listTasksCompletedSince(p, new Date(from).toISOString())),
    ]);
    const tasks = new Map<string, Task>();
    listings.forEach((raws, i) => {
      for (const raw of raws) {
        if (tasks.has(raw.gid)) continue;
        const mapped = toTask(raw, { clients: this.clients, vaUserGid });
        if (mapped.kind === 'ambiguous') {
          this.onProblem({
            kind: 'ambiguous_client',
            taskId: raw.gid,
            clientIds: mapped.clientIds,
            projectId: projects[i] ?? null,
          });
          continue;
        }
        if (mapped.kind !== 'task' || !mapped.task.completedAt) continue;
        const at = Date.parse(mapped.task.completedAt);
        if (at >= from && at < to) tasks.set(raw.gid, mapped.task);
      }
    });
    return [...tasks.values()];
  }

  /**
   * What changed in the client's projects since `cursor` (null: start from now). The cursor holds one
   * sync token per project; a project whose token is missing or expired answers with a fresh one,
   * and then the page says `resyncNeeded` (the caller re-lists the client's open tasks). `has_more`
   * pages are read on, up to `maxEventPages` per project and call.
   */
  async readChanges(clientId: string, cursor: string | null): Promise<TaskChangesPage> {
    const projects = this.projectsOf(clientId);
    const known = cursor === null ? null : decodeCursor(cursor);
    const reads = await Promise.all(projects.map((p) => this.readProject(p, known?.[p] ?? null)));
    const tokens: Record<string, string> = {};
    const changes: TaskChange[] = [];
    /** Which project's stream told each change first. */
    const seen = new Map<string, number>();
    projects.forEach((project, i) => {
      const read = reads[i];
      if (!read) return;
      tokens[project] = read.sync;
      for (const change of read.changes) {
        // An event arrives once per project stream the task is in: keep the first. A membership
        // change names its project; any other change is the task's own, whichever stream told it.
        const membership = change.action === 'added' || change.action === 'removed';
        const key = JSON.stringify([
          change.taskId,
          change.action,
          change.at,
          membership ? change.projectId : null,
        ]);
        const first = seen.get(key);
        if (first !== undefined && first !== i) continue;
        seen.set(key, i);
        changes.push(change);
      }
    });
    return { changes, cursor: encodeCursor(tokens), resyncNeeded: reads.some((r) => r.expired) };
  }

  private async readProject(
    projectId: string,
    from: string | null,
  ): Promise<{ sync: string; expired: boolean; changes: TaskChange[] }> {
    const changes: TaskChange[] = [];
    let sync = from;
    for (let page = 0; page < this.maxEventPages; page++) {
      const read = await this.client.readEvents(projectId, sync);
      if (read.kind === 'expired') return { sync: read.sync, expired: true, changes };
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
    return { sync: sync ?? '', expired: false, changes };
  }
}
