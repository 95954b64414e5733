import { createHash } from 'node:crypto';
import {
  type AccessTokenProvider,
  bearerAuth,
  type CallOptions,
  type ConnectorError,
  HttpPipeline,
  type Logger,
  type RateLimiter,
  ReconnectRequiredError,
  type RetryOptions,
} from '@vahub/core';
import type { z } from 'zod';
import { type BudgetReport, RequestBudget } from './budget.js';
import { ASANA_ENDPOINTS, ASANA_TOKEN_ENV } from './config.js';
import {
  EventsApi,
  loadWorkspacesApi,
  ProjectsApi,
  StatusUpdatesApi,
  TasksApi,
  UsersApi,
  WebhooksApi,
  type WorkspacesApi,
} from './sdk.js';
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

/** The SDK resolves `{data, response}`: `data` is the answer's JSON (`returnType` is `Blob`). */
type SdkAnswer = { data: unknown };

/**
 * The one place that knows how vahub talks to Asana: the SDK's API classes on a `PipelineApiClient`,
 * one pipeline per token, the limiter and its key, and reading each answer with its schema.
 */
export class AsanaCalls {
  readonly pipeline: HttpPipeline;
  protected readonly apis: {
    tasks: TasksApi;
    events: EventsApi;
    webhooks: WebhooksApi;
    projects: ProjectsApi;
    users: UsersApi;
    statusUpdates: StatusUpdatesApi;
  };
  private readonly sdk: PipelineApiClient;
  private loadedWorkspaces: WorkspacesApi | null = null;
  private readonly hasToken: boolean;
  /** What the limiter counts this token's requests by: a hash, never the token. */
  private readonly limitKey: string;
  private readonly limiter: RateLimiter;
  protected readonly pageSize: number;
  protected readonly maxPages: number;

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
      statusUpdates: new StatusUpdatesApi(sdk),
    };
    this.sdk = sdk;
  }

  /** The workspaces API, built on first use (see `loadWorkspacesApi`). */
  protected get workspacesApi(): WorkspacesApi {
    this.loadedWorkspaces ??= new (loadWorkspacesApi())(this.sdk);
    return this.loadedWorkspaces;
  }

  /** What is left of this token's in-process budget; null when a shared limiter counts instead. */
  budget(): BudgetReport | null {
    return this.limiter instanceof RequestBudget ? this.limiter.report(this.limitKey) : null;
  }

  /** One operation through the pipeline, its answer read with `schema`. */
  protected async read<S extends z.ZodType>(
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
    // The schema's output already: the pipeline checked the answer with it, and `PipelineApiClient`
    // hands that output to the SDK as the body (its `Blob` answers are the body as it is).
    return answer.data as z.output<S>;
  }

  /** As `read`, but a status in `handle` comes back as `{ok: false}` with the answer's JSON. */
  protected async attempt<S extends z.ZodType>(
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
    return { ok: true, value: result.value.data as z.output<S> };
  }

  private requireToken(operation: string): void {
    if (this.hasToken) return;
    throw new ReconnectRequiredError({
      provider: 'asana',
      operation,
      message: `no Asana token is configured: set ${ASANA_TOKEN_ENV} to a personal access token of the VA's Asana account (or reference one as auth.asana.token in the config)`,
    });
  }
}
