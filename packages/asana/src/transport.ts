import { type ConnectorError, DEFAULT_ENDPOINTS, registerSecret } from '@vahub/core';
import { ApiClient, EventsApi, ProjectsApi, TasksApi, UsersApi, WebhooksApi } from 'asana';
import { type BudgetReport, RequestBudget } from './budget.js';
import { errorBodyOf, statusOf, toConnectorError } from './errors.js';

/** Hands out the current bearer token: core's `TokenManager` fits (OAuth); a string is a personal access token. */
export interface TokenProvider {
  accessToken(): Promise<string>;
  /** Called once after a 401, with the token Asana refused. */
  refreshAfterRejection?(rejectedAccessToken: string): Promise<string>;
}

export interface TransportOptions {
  /** A personal access token, or a provider of OAuth access tokens. */
  token: string | TokenProvider;
  /** Base URL of the API: `endpoints.asana.api` from the config. @defaultValue https://app.asana.com/api/1.0 */
  baseUrl?: string;
  /** The per-token request budget; pass one shared by every client of the same token. */
  budget?: RequestBudget;
  /** @defaultValue 30_000 */
  timeoutMs?: number;
  now?: () => number;
}

/** The SDK's service objects, all bound to one `ApiClient` of our own (never the global singleton). */
export interface SdkApis {
  tasks: TasksApi;
  events: EventsApi;
  webhooks: WebhooksApi;
  projects: ProjectsApi;
  users: UsersApi;
}

/** An answer with a status the caller said it handles itself (a 404 that means "gone", a 412). */
export interface HandledFailure {
  ok: false;
  status: number;
  body: unknown;
  error: ConnectorError;
}

export type SendResult = { ok: true; status: number; body: unknown } | HandledFailure;

/** The SDK resolves `{data, response}` (or a Collection holding the same): read superagent's parsed body. */
function answerOf(result: unknown): { status: number; body: unknown } {
  const response = (result as { response?: { status?: unknown; body?: unknown } } | null)?.response;
  const status = typeof response?.status === 'number' ? response.status : 200;
  return { status, body: response?.body };
}

/**
 * The one place that knows how vahub talks to Asana through the SDK: base URL, bearer token, budget,
 * and turning every failure into a `ConnectorError` that never carries the token.
 */
export class Transport {
  readonly budget: RequestBudget;
  private readonly client: ApiClient;
  private readonly apis: SdkApis;
  private readonly tokens: TokenProvider;
  private readonly now: () => number;

  constructor(options: TransportOptions) {
    const token = options.token;
    if (typeof token === 'string') registerSecret(token);
    this.tokens = typeof token === 'string' ? { accessToken: async () => token } : token;
    this.budget = options.budget ?? new RequestBudget({ now: options.now });
    this.now = options.now ?? Date.now;
    this.client = new ApiClient();
    this.client.basePath = (options.baseUrl ?? DEFAULT_ENDPOINTS.asana.api).replace(/\/+$/, '');
    // Plain `{data, response}` answers: vahub pages itself, so it sees every request it makes.
    this.client.RETURN_COLLECTION = false;
    this.client.timeout = options.timeoutMs ?? 30_000;
    this.apis = {
      tasks: new TasksApi(this.client),
      events: new EventsApi(this.client),
      webhooks: new WebhooksApi(this.client),
      projects: new ProjectsApi(this.client),
      users: new UsersApi(this.client),
    };
  }

  budgetReport(): BudgetReport {
    return this.budget.report();
  }

  /**
   * Send one request. Statuses listed in `handle` come back as a `HandledFailure`; every other failure
   * is thrown as a `ConnectorError`.
   */
  async send(
    operation: string,
    request: (apis: SdkApis) => Promise<unknown>,
    handle: readonly number[] = [],
  ): Promise<SendResult> {
    let token = await this.tokens.accessToken();
    for (let attempt = 0; ; attempt++) {
      registerSecret(token);
      this.budget.take(operation);
      // Set right before the synchronous `callApi` inside `request`, so concurrent calls each send their own token.
      this.client.authentications.token = { type: 'personalAccessToken', accessToken: token };
      try {
        return { ok: true, ...answerOf(await request(this.apis)) };
      } catch (err) {
        const status = statusOf(err);
        if (status === 401 && attempt === 0 && this.tokens.refreshAfterRejection) {
          token = await this.tokens.refreshAfterRejection(token);
          continue;
        }
        const error = toConnectorError(err, operation, this.now());
        if (status !== undefined && handle.includes(status)) {
          return { ok: false, status, body: errorBodyOf(err), error };
        }
        throw error;
      }
    }
  }
}
