import { createHash } from 'node:crypto';
import {
  type AccessTokenProvider,
  bearerAuth,
  type CallOptions,
  ConnectorError,
  HttpPipeline,
  type Logger,
  type RateLimiter,
  ReconnectRequiredError,
  type RetryOptions,
} from '@vahub/core';
import { EventsApi, ProjectsApi, TasksApi, UsersApi, WebhooksApi } from 'asana';
import { z } from 'zod';
import { type BudgetReport, RequestBudget } from './budget.js';
import { ASANA_ENDPOINTS, ASANA_TOKEN_ENV } from './config.js';
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
import { PipelineApiClient } from './sdk-client.js';

export interface AsanaClientOptions {
  /**
   * A personal access token, a provider of OAuth access tokens (core's `TokenManager`), or null when
   * none is configured: then every call fails with a `ReconnectRequiredError` naming `ASANA_TOKEN`.
   */
  token: string | AccessTokenProvider | null;
  /** `endpoints.asana.api`. @defaultValue https://app.asana.com/api/1.0 */
  baseUrl?: string;
  /** The shared limiter (the jobs package's). @defaultValue a `RequestBudget` of 150 requests per minute */
  limiter?: RateLimiter;
  logger?: Logger;
  /** Bounds each exchange, body included. @defaultValue 30_000 */
  timeoutMs?: number;
  /** Changes to core's retry policy (tests pass a `sleep` that records instead of waiting). */
  retry?: RetryOptions;
  /** Page size for listings, 1–100 (Asana's bounds). @defaultValue 100 */
  pageSize?: number;
  /** A listing longer than this many pages is refused rather than read forever. @defaultValue 200 */
  maxPages?: number;
  now?: () => number;
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

const one = <S extends z.ZodType>(schema: S) => z.object({ data: schema });
const deleted = z.object({ data: z.object({}) });

/** The SDK resolves `{data, response}`: `data` is the answer's JSON (`returnType` is `Blob`). */
type SdkAnswer = { data: unknown };

/**
 * Asana through the official SDK on vahub's pipeline: the calls vahub needs, each a named operation
 * whose answer is checked with zod, every failure a `ConnectorError` that never carries the token.
 */
export class AsanaClient {
  readonly pipeline: HttpPipeline;
  private readonly apis: {
    tasks: TasksApi;
    events: EventsApi;
    webhooks: WebhooksApi;
    projects: ProjectsApi;
    users: UsersApi;
  };
  private readonly hasToken: boolean;
  /** What the limiter counts this token's requests by: a hash, never the token. */
  private readonly limitKey: string;
  private readonly limiter: RateLimiter;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(options: AsanaClientOptions) {
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 200;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > 100) {
      throw new RangeError(`pageSize must be 1–100 (Asana's limit), got ${this.pageSize}`);
    }
    const token = options.token;
    this.hasToken = token !== null && token !== '';
    this.limitKey =
      typeof token === 'string'
        ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`
        : 'oauth';
    this.limiter = options.limiter ?? new RequestBudget({ now: options.now });
    this.pipeline = new HttpPipeline({
      provider: 'asana',
      ...(token ? { auth: bearerAuth(token) } : {}),
      logger: options.logger,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      limiter: this.limiter,
      now: options.now,
    });
    const sdk = new PipelineApiClient(this.pipeline, options.baseUrl ?? ASANA_ENDPOINTS.api);
    this.apis = {
      tasks: new TasksApi(sdk),
      events: new EventsApi(sdk),
      webhooks: new WebhooksApi(sdk),
      projects: new ProjectsApi(sdk),
      users: new UsersApi(sdk),
    };
  }

  /** What is left of this token's in-process budget; null when a shared limiter counts instead. */
  budget(): BudgetReport | null {
    return this.limiter instanceof RequestBudget ? this.limiter.report(this.limitKey) : null;
  }

  /** One operation through the pipeline, its answer read with `schema`. */
  private async read<S extends z.ZodType>(
    operation: string,
    request: () => Promise<SdkAnswer>,
    schema: S,
    options: Omit<CallOptions<S>, 'schema'> = {},
  ): Promise<z.output<S>> {
    this.requireToken(operation);
    const answer = await this.pipeline.call(operation, request, {
      ...options,
      schema,
      limitKey: this.limitKey,
    });
    // The pipeline checked this shape already; parsing again gives its output (defaults, transforms).
    return schema.parse(answer.data);
  }

  /** As `read`, but a status in `handle` comes back as `{ok: false}` with the answer's JSON. */
  private async attempt<S extends z.ZodType>(
    operation: string,
    request: () => Promise<SdkAnswer>,
    schema: S,
    handle: readonly number[],
  ): Promise<{ ok: true; value: z.output<S> } | { ok: false; json: unknown; error: ConnectorError }> {
    this.requireToken(operation);
    const result = await this.pipeline.attempt(
      operation,
      request,
      { schema, limitKey: this.limitKey },
      handle,
    );
    if (!result.ok) return { ok: false, json: result.json, error: result.error };
    return { ok: true, value: schema.parse(result.value.data) };
  }

  private requireToken(operation: string): void {
    if (this.hasToken) return;
    throw new ReconnectRequiredError({
      provider: 'asana',
      operation,
      message: `no Asana token is configured: set ${ASANA_TOKEN_ENV} to a personal access token of the VA's Asana account (or reference one as auth.asana.token in the config)`,
    });
  }

  /** The user the token belongs to: the VA. */
  async me(): Promise<{ gid: string; name: string | null }> {
    const { data } = await this.read(
      'getMe',
      () => this.apis.users.getUserWithHttpInfo('me', { opt_fields: 'name' }),
      one(asanaUser),
    );
    return { gid: data.gid, name: data.name ?? null };
  }

  /** A task with the fields vahub maps; null if it no longer exists (404). */
  async getTask(taskId: string): Promise<AsanaTask | null> {
    const result = await this.attempt(
      'getTask',
      () => this.apis.tasks.getTaskWithHttpInfo(taskId, { opt_fields: TASK_FIELDS.join(',') }),
      one(asanaTask),
      [404],
    );
    return result.ok ? result.value.data : null;
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
      const res = await this.attempt(
        op,
        () => this.apis.tasks.getTasksForProjectWithHttpInfo(projectId, query),
        taskPage,
        offset ? [400] : [],
      );
      // Only a request with an offset may come back as a handled 400. The same listing's first page
      // was accepted, so the offset is what Asana refused: it expired (Asana's message is not a contract).
      if (!res.ok) throw new ExpiredOffset(res.error);
      for (const task of res.value.data) byGid.set(task.gid, task);
      offset = res.value.next_page?.offset;
      if (!offset) return [...byGid.values()];
    }
    throw tooManyPages(op, `more than ${this.maxPages} pages of tasks in project ${projectId}`);
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

  async getProjectWorkspace(projectId: string): Promise<string> {
    const { data } = await this.read(
      'getProject',
      () => this.apis.projects.getProjectWithHttpInfo(projectId, { opt_fields: 'name,workspace' }),
      one(asanaProject),
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
    const out: AsanaWebhook[] = [];
    let offset: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const query = {
        resource: projectId,
        limit: this.pageSize,
        opt_fields: WEBHOOK_FIELDS,
        ...(offset ? { offset } : {}),
      };
      const body = await this.read(
        op,
        () => this.apis.webhooks.getWebhooksWithHttpInfo(workspace, query),
        webhookPage,
      );
      out.push(...body.data);
      offset = body.next_page?.offset;
      if (!offset) return out;
    }
    throw tooManyPages(op, `more than ${this.maxPages} pages of webhooks`);
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

function tooManyPages(operation: string, message: string): ConnectorError {
  return new ConnectorError({
    provider: 'asana',
    operation,
    code: 'unexpected_response',
    retryable: false,
    message,
  });
}

class ExpiredOffset extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}
