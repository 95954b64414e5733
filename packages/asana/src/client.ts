import { ConnectorError } from '@vahub/core';
import { z } from 'zod';
import { AsanaCalls } from './calls.js';
import {
  type AsanaStatusUpdate,
  type AsanaTask,
  type AsanaWebhook,
  asanaProject,
  asanaStatusUpdate,
  asanaTask,
  asanaUser,
  createdWebhook,
  eventsPage,
  expiredSync,
  namedPage,
  type ProjectStatusType,
  statusUpdatePage,
  TASK_FIELDS,
  taskPage,
  webhookPage,
} from './schemas.js';

export type { AsanaClientOptions } from './calls.js';

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

// Built once: zod compiles a schema's fast path on its first parse, so a schema made per call would
// be compiled again on every call (measured: a few % of the worker's CPU per webhook event).
const one = <S extends z.ZodType>(schema: S) => z.object({ data: schema });
const deleted = z.object({ data: z.object({}) });
const oneUser = one(asanaUser);
const oneTask = one(asanaTask);
const oneProject = one(asanaProject);
const oneStatusUpdate = one(asanaStatusUpdate);

/**
 * Asana through the official SDK on vahub's pipeline: the calls vahub needs, each a named operation
 * whose answer is checked with zod, every failure a `ConnectorError` that never carries the token.
 */
export class AsanaClient extends AsanaCalls {
  /** The user the token belongs to: the VA. */
  async me(): Promise<{ gid: string; name: string | null }> {
    const { data } = await this.read(
      'getMe',
      () => this.apis.users.getUserWithHttpInfo('me', { opt_fields: 'name' }),
      oneUser,
    );
    return { gid: data.gid, name: data.name ?? null };
  }

  /** A task with the fields vahub maps; null if it no longer exists (404). */
  async getTask(taskId: string): Promise<AsanaTask | null> {
    const result = await this.attempt(
      'getTask',
      () => this.apis.tasks.getTaskWithHttpInfo(taskId, { opt_fields: TASK_FIELDS.join(',') }),
      oneTask,
      [404],
    );
    return result.ok ? result.value.data : null;
  }

  /**
   * Every incomplete task of a project, all pages. Offsets expire: if one does mid-listing, the
   * listing starts over once (the data changed under it anyway).
   */
  listIncompleteTasks(projectId: string): Promise<AsanaTask[]> {
    return this.listProjectTasks(projectId, 'now');
  }

  /**
   * Every task of a project completed at or after `since` (an ISO instant), all pages. Asana's
   * `completed_since` also returns the incomplete tasks; those are left out here.
   */
  async listTasksCompletedSince(projectId: string, since: string): Promise<AsanaTask[]> {
    const tasks = await this.listProjectTasks(projectId, since);
    return tasks.filter((t) => t.completed);
  }

  private async listProjectTasks(projectId: string, completedSince: string): Promise<AsanaTask[]> {
    try {
      return await this.readAllTaskPages(projectId, completedSince);
    } catch (err) {
      if (!(err instanceof ExpiredOffset)) throw err;
      return this.readAllTaskPages(projectId, completedSince).catch((again: unknown) => {
        throw again instanceof ExpiredOffset ? again.error : again;
      });
    }
  }

  private readAllTaskPages(projectId: string, completedSince: string): Promise<AsanaTask[]> {
    const op = 'listProjectTasks';
    return this.allPages(op, `tasks in project ${projectId}`, async (offset) => {
      const query = {
        completed_since: completedSince,
        limit: this.pageSize,
        opt_fields: TASK_FIELDS.join(','),
        ...(offset ? { offset } : {}),
      };
      const res = await this.attempt(
        op,
        () => this.apis.tasks.getTasksForProjectWithHttpInfo(projectId, query),
        taskPage,
        offset ? [400] : [],
      );
      // Only a request with an offset may come back as a handled 400. The same listing's first page
      // was accepted, so the offset is what Asana refused: it expired (Asana's message is not a contract).
      if (!res.ok) throw new ExpiredOffset(res.error);
      return res.value;
    });
  }

  /** Every page of a listing, following `next_page.offset`, up to `maxPages`. */
  private async allPages<T extends { gid: string }>(
    operation: string,
    what: string,
    page: (offset: string | undefined) => Promise<{ data: T[]; next_page?: { offset: string } | null }>,
  ): Promise<T[]> {
    const byGid = new Map<string, T>();
    let offset: string | undefined;
    for (let n = 0; n < this.maxPages; n++) {
      const body = await page(offset);
      for (const item of body.data) byGid.set(item.gid, item);
      offset = body.next_page?.offset;
      if (!offset) return [...byGid.values()];
    }
    throw new ConnectorError({
      provider: 'asana',
      operation,
      code: 'unexpected_response',
      retryable: false,
      message: `more than ${this.maxPages} pages of ${what}`,
    });
  }

  /** One read of a resource's events since `sync` (none: the first read, which Asana answers with 412). */
  async readEvents(resource: string, sync: string | null): Promise<EventsRead> {
    const op = 'readEvents';
    const res = await this.attempt(
      op,
      () => this.apis.events.getEventsWithHttpInfo(resource, sync ? { sync } : {}),
      eventsPage,
      [412],
    );
    if (res.ok) {
      const body = res.value;
      return { kind: 'events', events: body.data, sync: body.sync, hasMore: body.has_more };
    }
    const expired = expiredSync.safeParse(res.json);
    // A 412 without a fresh token cannot be acted on: fail as the pipeline fails a shapeless answer.
    if (!expired.success) {
      throw new ConnectorError({
        provider: 'asana',
        operation: op,
        status: 412,
        code: 'unexpected_response',
        retryable: true,
        message: 'the 412 answer carried no fresh sync token',
      });
    }
    return { kind: 'expired', sync: expired.data.sync };
  }

  /** The workspaces the token's user belongs to, all pages. */
  workspaces(): Promise<{ gid: string; name?: string | null }[]> {
    const op = 'listWorkspaces';
    return this.allPages(op, 'workspaces', (offset) => {
      const query = { limit: this.pageSize, opt_fields: 'name', ...(offset ? { offset } : {}) };
      return this.read(op, () => this.workspacesApi.getWorkspacesWithHttpInfo(query), namedPage);
    });
  }

  /** A workspace's projects that are not archived, all pages. */
  projects(workspaceId: string): Promise<{ gid: string; name?: string | null }[]> {
    const op = 'listProjects';
    return this.allPages(op, `projects of workspace ${workspaceId}`, (offset) => {
      const query = {
        archived: false,
        limit: this.pageSize,
        opt_fields: 'name',
        ...(offset ? { offset } : {}),
      };
      return this.read(
        op,
        () => this.apis.projects.getProjectsForWorkspaceWithHttpInfo(workspaceId, query),
        namedPage,
      );
    });
  }

  async getProjectWorkspace(projectId: string): Promise<string> {
    const { data } = await this.read(
      'getProject',
      () => this.apis.projects.getProjectWithHttpInfo(projectId, { opt_fields: 'name,workspace' }),
      oneProject,
    );
    return data.workspace.gid;
  }

  /**
   * Create a webhook. Asana performs the handshake with `target` while this call is in flight, so the
   * receiver must be up and a pending registration open (see `registerWebhook`). Not repeated after
   * a failure that may have been processed: a second create would be a second webhook.
   */
  async createWebhook(input: {
    resource: string;
    target: string;
    filters?: WebhookFilter[];
  }): Promise<{ webhook: AsanaWebhook; secret: string | null }> {
    const data = {
      resource: input.resource,
      target: input.target,
      ...(input.filters ? { filters: input.filters } : {}),
    };
    const body = await this.read(
      'createWebhook',
      () => this.apis.webhooks.createWebhookWithHttpInfo({ data }),
      createdWebhook,
      { idempotent: false },
    );
    return { webhook: body.data, secret: body['X-Hook-Secret'] ?? null };
  }

  /** The webhooks this token has on a project (all pages). */
  async listWebhooks(projectId: string): Promise<AsanaWebhook[]> {
    const op = 'listWebhooks';
    const workspace = await this.getProjectWorkspace(projectId);
    return this.allPages(op, 'webhooks', (offset) => {
      const query = {
        resource: projectId,
        limit: this.pageSize,
        opt_fields: WEBHOOK_FIELDS,
        ...(offset ? { offset } : {}),
      };
      return this.read(op, () => this.apis.webhooks.getWebhooksWithHttpInfo(workspace, query), webhookPage);
    });
  }

  /** The status updates of a project (or portfolio, goal) created at or after `createdSince`, all pages. */
  listStatusUpdates(parent: string, createdSince: string): Promise<AsanaStatusUpdate[]> {
    const op = 'listStatusUpdates';
    return this.allPages(op, `status updates of ${parent}`, (offset) => {
      const query = {
        created_since: createdSince,
        limit: this.pageSize,
        opt_fields: 'title,created_at',
        ...(offset ? { offset } : {}),
      };
      return this.read(
        op,
        () => this.apis.statusUpdates.getStatusesForObjectWithHttpInfo(parent, query),
        statusUpdatePage,
      );
    });
  }

  /**
   * Post a status update on a project: Asana sends it to the project's followers. Not repeated after
   * a failure that may have been processed (a second post would be a second update); the caller
   * looks for it first (`listStatusUpdates`).
   */
  async createStatusUpdate(input: {
    parent: string;
    title: string;
    text: string;
    statusType: ProjectStatusType;
  }): Promise<AsanaStatusUpdate> {
    const data = {
      parent: input.parent,
      title: input.title,
      text: input.text,
      status_type: input.statusType,
    };
    const body = await this.read(
      'createStatusUpdate',
      // The spec's StatusUpdateResponse requires text and status_type, so they are asked for too.
      () =>
        this.apis.statusUpdates.createStatusForObjectWithHttpInfo(
          { data },
          { opt_fields: 'title,created_at,status_type,text' },
        ),
      oneStatusUpdate,
      { idempotent: false },
    );
    return body.data;
  }

  /** Delete a webhook; false if it was already gone. */
  async deleteWebhook(webhookId: string): Promise<boolean> {
    const res = await this.attempt(
      'deleteWebhook',
      () => this.apis.webhooks.deleteWebhookWithHttpInfo(webhookId),
      deleted,
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
