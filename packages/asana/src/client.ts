import type { z } from 'zod';
import type { BudgetReport } from './budget.js';
import { unexpectedResponse } from './errors.js';
import {
  type AsanaTask,
  type AsanaWebhook,
  asanaProject,
  asanaTask,
  asanaUser,
  createdWebhook,
  eventsPage,
  expiredSync,
  TASK_FIELDS,
  taskPage,
  webhookPage,
} from './schemas.js';
import { Transport, type TransportOptions } from './transport.js';

export interface AsanaClientOptions extends TransportOptions {
  /** Page size for listings, 1–100 (Asana's bounds). @defaultValue 100 */
  pageSize?: number;
  /** A listing longer than this many pages is refused rather than read forever. @defaultValue 200 */
  maxPages?: number;
}

/** One read of `/events`: a page of events, or word that the token expired (412) with a fresh one. */
export type EventsRead =
  | { kind: 'events'; events: unknown[]; sync: string; hasMore: boolean }
  | { kind: 'expired'; sync: string };

export interface WebhookFilter {
  resource_type?: string;
  resource_subtype?: string;
  action?: string;
  fields?: string[];
}

const WEBHOOK_FIELDS =
  'active,resource,resource.name,target,created_at,last_success_at,last_failure_at,last_failure_content';

function parse<S extends z.ZodType>(schema: S, body: unknown, operation: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw unexpectedResponse(operation, `${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`);
}

/** Asana over the official SDK: the calls vahub needs, checked with zod, failures as `ConnectorError`. */
export class AsanaClient {
  private readonly transport: Transport;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(options: AsanaClientOptions) {
    this.transport = new Transport(options);
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 200;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > 100) {
      throw new RangeError(`pageSize must be 1–100 (Asana's limit), got ${this.pageSize}`);
    }
  }

  /** What is left of this token's request budget. */
  budget(): BudgetReport {
    return this.transport.budgetReport();
  }

  /** The user the token belongs to: the VA. */
  async me(): Promise<{ gid: string; name: string | null }> {
    const op = 'getMe';
    const res = await this.transport.send(op, (a) =>
      a.users.getUserWithHttpInfo('me', { opt_fields: 'name' }),
    );
    const user = parse(asanaUser, (res.body as { data?: unknown } | undefined)?.data, op);
    return { gid: user.gid, name: user.name ?? null };
  }

  /** A task with the fields vahub maps; null if it no longer exists (404). */
  async getTask(taskId: string): Promise<AsanaTask | null> {
    const op = 'getTask';
    const res = await this.transport.send(
      op,
      (a) => a.tasks.getTaskWithHttpInfo(taskId, { opt_fields: TASK_FIELDS.join(',') }),
      [404],
    );
    if (!res.ok) return null;
    return parse(asanaTask, (res.body as { data?: unknown } | undefined)?.data, op);
  }

  /**
   * Every incomplete task of a project, all pages. Offsets expire: if one does mid-listing, the
   * listing starts over once (the data changed under it anyway).
   */
  async listIncompleteTasks(projectId: string): Promise<AsanaTask[]> {
    try {
      return await this.readAllTaskPages(projectId);
    } catch (err) {
      if (!(err instanceof ExpiredOffset)) throw err;
      return this.readAllTaskPages(projectId).catch((again: unknown) => {
        throw again instanceof ExpiredOffset ? again.error : again;
      });
    }
  }

  private async readAllTaskPages(projectId: string): Promise<AsanaTask[]> {
    const op = 'listProjectTasks';
    const byGid = new Map<string, AsanaTask>();
    let offset: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const query = {
        completed_since: 'now',
        limit: this.pageSize,
        opt_fields: TASK_FIELDS.join(','),
        ...(offset ? { offset } : {}),
      };
      const res = await this.transport.send(
        op,
        (a) => a.tasks.getTasksForProjectWithHttpInfo(projectId, query),
        offset ? [400] : [],
      );
      // Only a request with an offset may come back as a handled 400. The same listing's first page
      // was accepted, so the offset is what Asana refused: it expired (Asana's message is not a contract).
      if (!res.ok) throw new ExpiredOffset(res.error);
      const body = parse(taskPage, res.body, op);
      for (const task of body.data) byGid.set(task.gid, task);
      offset = body.next_page?.offset;
      if (!offset) return [...byGid.values()];
    }
    throw unexpectedResponse(op, `more than ${this.maxPages} pages of tasks in project ${projectId}`);
  }

  /** One read of a resource's events since `sync` (none: the first read, which Asana answers with 412). */
  async readEvents(resource: string, sync: string | null): Promise<EventsRead> {
    const op = 'readEvents';
    const res = await this.transport.send(
      op,
      (a) => a.events.getEventsWithHttpInfo(resource, sync ? { sync } : {}),
      [412],
    );
    if (!res.ok) return { kind: 'expired', sync: parse(expiredSync, res.body, op).sync };
    const body = parse(eventsPage, res.body, op);
    return { kind: 'events', events: body.data, sync: body.sync, hasMore: body.has_more };
  }

  async getProjectWorkspace(projectId: string): Promise<string> {
    const op = 'getProject';
    const res = await this.transport.send(op, (a) =>
      a.projects.getProjectWithHttpInfo(projectId, { opt_fields: 'name,workspace' }),
    );
    return parse(asanaProject, (res.body as { data?: unknown } | undefined)?.data, op).workspace.gid;
  }

  /**
   * Create a webhook. Asana performs the handshake with `target` while this call is in flight, so the
   * receiver must be up and a pending registration open (see `registerWebhook`).
   */
  async createWebhook(input: {
    resource: string;
    target: string;
    filters?: WebhookFilter[];
  }): Promise<{ webhook: AsanaWebhook; secret: string | null }> {
    const op = 'createWebhook';
    const data = {
      resource: input.resource,
      target: input.target,
      ...(input.filters ? { filters: input.filters } : {}),
    };
    const res = await this.transport.send(op, (a) => a.webhooks.createWebhookWithHttpInfo({ data }));
    const body = parse(createdWebhook, res.body, op);
    return { webhook: body.data, secret: body['X-Hook-Secret'] ?? null };
  }

  /** The webhooks this token has on a project (all pages). */
  async listWebhooks(projectId: string): Promise<AsanaWebhook[]> {
    const op = 'listWebhooks';
    const workspace = await this.getProjectWorkspace(projectId);
    const out: AsanaWebhook[] = [];
    let offset: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const query = {
        resource: projectId,
        limit: this.pageSize,
        opt_fields: WEBHOOK_FIELDS,
        ...(offset ? { offset } : {}),
      };
      const res = await this.transport.send(op, (a) => a.webhooks.getWebhooksWithHttpInfo(workspace, query));
      const body = parse(webhookPage, res.body, op);
      out.push(...body.data);
      offset = body.next_page?.offset;
      if (!offset) return out;
    }
    throw unexpectedResponse(op, `more than ${this.maxPages} pages of webhooks`);
  }

  /** Delete a webhook; false if it was already gone. */
  async deleteWebhook(webhookId: string): Promise<boolean> {
    const res = await this.transport.send(
      'deleteWebhook',
      (a) => a.webhooks.deleteWebhookWithHttpInfo(webhookId),
      [404],
    );
    return res.ok;
  }
}

class ExpiredOffset extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}
