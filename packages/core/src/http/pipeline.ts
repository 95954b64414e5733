import { AsyncLocalStorage } from 'node:async_hooks';
import type { z } from 'zod';
import {
  ConnectorError,
  type ConnectorErrorCode,
  isConnectorError,
  ReconnectRequiredError,
} from '../errors/errors.js';
import { redact } from '../errors/redact.js';
import { type RetryOptions, withRetry } from '../errors/retry.js';
import { describeAnswer, readJson, type VendorReading } from './answers.js';
import type { AuthSource } from './auth.js';
import { type Answer, exchange } from './exchange.js';
import type { RateLimiter } from './limiter.js';
import { type Logger, silentLogger } from './logger.js';

export interface PipelineOptions {
  /** The connector's id, in every error and log line. */
  provider: string;
  auth?: AuthSource;
  logger?: Logger;
  /** Bounds every exchange, from connecting to the last byte of the body. @defaultValue 30_000 */
  timeoutMs?: number;
  /** Answers larger than this are refused unread. @defaultValue 16 MiB */
  maxResponseBytes?: number;
  /** Core's retry policy: exponential backoff with full jitter, `Retry-After` honoured. */
  retry?: RetryOptions;
  limiter?: RateLimiter;
  /**
   * What a failed answer means in this vendor's words: its message, a quota header's wait, a code
   * (e.g. Google's 403 `rateLimitExceeded` is a rate limit). Anything left out comes from the status.
   */
  describe?: (answer: Answer) => VendorReading;
  /** Every answer, e.g. to record Xero's limit headers. */
  onAnswer?: (answer: Answer, call: { operation: string; key: string }) => void;
  now?: () => number;
}

export interface CallOptions<S extends z.ZodType | null = null> {
  /**
   * The shape of every successful JSON answer in the call. An answer that is not JSON, or not of this
   * shape, fails the call with a retryable `unexpected_response`: never read as "nothing".
   */
  schema?: S;
  /** Whether repeating the request is safe; if not, only refusals before processing (429, quota) are retried. @defaultValue true */
  idempotent?: boolean;
  /** Send the connector's credentials. @defaultValue true */
  auth?: boolean;
  /** What limits are counted by (a Xero tenant, a token). @defaultValue 'default' */
  limitKey?: string;
  /** Per-call changes to the retry policy. */
  retry?: RetryOptions;
  /** Aborts the call (a lost lease, a shutdown). */
  signal?: AbortSignal;
}

/** A failed answer whose status the caller said it handles itself (Asana's 412, a 404 meaning "gone"). */
export interface HandledAnswer {
  ok: false;
  status: number;
  json: unknown;
  error: ConnectorError;
}

export type Attempted<T> = { ok: true; value: T } | HandledAnswer;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string | URL;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** A vendor call's answer that was not a success, for SDKs that throw their own errors. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

interface Scope {
  operation: string;
  attempt: number;
  key: string;
  credentials: Record<string, string>;
  schema: z.ZodType | null;
  signal: AbortSignal | undefined;
  /** The latest answer of this attempt. */
  last: Answer | null;
  /** What the latest answer parsed to, when a schema applied. */
  parsed: unknown;
  /** A failure the pipeline itself raised (transport, shape): it wins over the SDK's own error. */
  failure: ConnectorError | null;
}

const scopes = new AsyncLocalStorage<Scope>();

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * The one way out to the network for a connector, whatever SDK sits underneath: hand `fetch` to the
 * SDK (gaxios' `fetchImplementation`, an axios adapter, an Asana `ApiClient` of our own) or use
 * `request` directly, and run every vendor operation through `call`. Each call gets the current
 * credential, one refresh and one retry after a 401, retries with full jitter that wait exactly a
 * `Retry-After`, a client-side rate limit, and answers checked against a schema; every exchange gets
 * a timeout over the whole of it, the size cap, no credentials across origins, and one log line.
 */
export class HttpPipeline {
  readonly provider: string;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly options: PipelineOptions) {
    this.provider = options.provider;
    this.logger = (options.logger ?? silentLogger).child({ provider: options.provider });
    this.now = options.now ?? Date.now;
  }

  /** A `fetch` for SDKs: inside `call` it sends under the call's rules; outside, as an unnamed call. */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const scope = scopes.getStore();
    if (!scope) return this.call('request', () => this.fetch(input, init), { auth: false });
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : input.toString());
    const headers = new Headers(request?.headers);
    new Headers(init.headers).forEach((value, name) => {
      headers.set(name, value);
    });
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const body = await bodyBytes(init.body ?? (request?.body ? await request.arrayBuffer() : undefined));
    const answer = await this.send(scope, { url, method, headers, body });
    return new Response(nullBodyStatus(answer.status) ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    });
  };

  /**
   * Inside `call`, for a client of vahub's own (the Asana SDK's `ApiClient`): `fetch` without the
   * `Response` built around the answer and read again. Gives the answer as the pipeline read it, and
   * `parsed`: for a success, what its JSON parsed to (the call's schema's output when it has one).
   */
  async answer(req: {
    url: URL;
    method: string;
    headers: Headers;
    body: string | undefined;
  }): Promise<{ answer: Answer; parsed: unknown }> {
    const scope = scopes.getStore();
    if (!scope) throw new Error('HttpPipeline.answer is for use inside call or attempt');
    const answer = await this.send(scope, req);
    return { answer, parsed: scope.parsed };
  }

  /**
   * Run one vendor operation. `run` makes the request(s) through `fetch` (or an SDK holding it) and
   * may throw the SDK's own error: the pipeline turns whatever happened into a `ConnectorError`.
   */
  async call<T, S extends z.ZodType | null = null>(
    operation: string,
    run: () => Promise<T>,
    options: CallOptions<S> = {},
  ): Promise<T> {
    const result = await this.attempt(operation, run, options, []);
    if (!result.ok) throw result.error;
    return result.value;
  }

  /** As `call`, but a failure with a status in `handle` comes back as a value instead of being thrown. */
  async attempt<T, S extends z.ZodType | null = null>(
    operation: string,
    run: () => Promise<T>,
    options: CallOptions<S>,
    handle: readonly number[],
  ): Promise<Attempted<T>> {
    let refreshed = false;
    let attempt = 0;
    const idempotent = options.idempotent ?? true;
    const retryOn = idempotent
      ? options.retry?.retryOn
      : (e: ConnectorError) => e.code === 'rate_limited' || e.code === 'quota_exhausted';
    return withRetry(
      async () => {
        for (;;) {
          attempt += 1;
          const useAuth = options.auth !== false && this.options.auth !== undefined;
          const credentials = useAuth ? await (this.options.auth as AuthSource).headers() : {};
          const scope: Scope = {
            operation,
            attempt,
            key: options.limitKey ?? 'default',
            credentials,
            schema: options.schema ?? null,
            signal: options.signal,
            last: null,
            parsed: undefined,
            failure: null,
          };
          try {
            const value = await scopes.run(scope, run);
            return { ok: true as const, value };
          } catch (err) {
            if (options.signal?.aborted && err === options.signal.reason) throw err;
            const error = this.errorOf(scope, err);
            const status = error.status;
            if (status === 401 && useAuth && !refreshed && this.options.auth?.refresh) {
              // Counted once it succeeded: a refresh that failed (a 5xx from the token endpoint) is one
              // of the retry's tries, and the next try must refresh again, not resend the rejected token.
              await this.options.auth.refresh(credentials);
              refreshed = true;
              continue;
            }
            if (status !== undefined && handle.includes(status) && scope.last && !scope.failure) {
              return { ok: false as const, status, json: readJson(scope.last), error };
            }
            throw error;
          }
        }
      },
      {
        ...this.options.retry,
        ...options.retry,
        ...(retryOn ? { retryOn } : {}),
        onRetry: ({ attempt: tries, waitMs, error }) =>
          this.logger.info(
            { operation, attempt: tries, waitMs, status: error.status ?? null, code: error.code },
            'vendor call will be retried',
          ),
      },
    );
  }

  /** A plain request through the pipeline: JSON or form in, the answer checked against `schema`. */
  async request<S extends z.ZodType | null = null>(
    operation: string,
    req: HttpRequest,
    options: CallOptions<S> = {},
  ): Promise<HttpResponse<Out<S>>> {
    return this.call(
      operation,
      async () => {
        const url = new URL(req.url);
        for (const [k, v] of Object.entries(req.query ?? {})) {
          if (v !== undefined) url.searchParams.set(k, String(v));
        }
        const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
        let body: string | undefined;
        if (req.json !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(req.json);
        } else if (req.form) {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = new URLSearchParams(req.form).toString();
        }
        const res = await this.fetch(url, { method: req.method, headers, body });
        await res.arrayBuffer();
        if (!res.ok) throw new HttpStatusError(res.status);
        const scope = scopes.getStore();
        return { status: res.status, headers: res.headers, data: scope?.parsed as Out<S> };
      },
      options,
    );
  }

  private async send(
    scope: Scope,
    req: { url: URL; method: string; headers: Headers; body: Uint8Array | string | undefined },
  ): Promise<Answer> {
    const started = this.now();
    const limiter = this.options.limiter;
    const release = limiter
      ? await limiter.acquire({
          provider: this.provider,
          key: scope.key,
          operation: scope.operation,
          signal: scope.signal,
        })
      : null;
    let answer: Answer | null = null;
    try {
      answer = await exchange({
        provider: this.provider,
        operation: scope.operation,
        url: req.url,
        method: req.method,
        headers: req.headers,
        body: req.body,
        credentials: scope.credentials,
        timeoutMs: this.options.timeoutMs ?? 30_000,
        maxResponseBytes: this.options.maxResponseBytes ?? 16 * 1024 * 1024,
        signal: scope.signal,
      });
      scope.last = answer;
      limiter?.observe?.({
        provider: this.provider,
        key: scope.key,
        status: answer.status,
        headers: answer.headers,
      });
      this.options.onAnswer?.(answer, { operation: scope.operation, key: scope.key });
      if (answer.status >= 200 && answer.status < 300) scope.parsed = this.check(scope, answer);
      return answer;
    } catch (err) {
      if (isConnectorError(err)) scope.failure = err;
      throw err;
    } finally {
      release?.();
      this.log(scope, req, answer, this.now() - started);
    }
  }

  /** A success must be readable: JSON where JSON was promised, of the schema's shape where one is given. */
  private check(scope: Scope, answer: Answer): unknown {
    const type = answer.headers.get('content-type') ?? '';
    const empty = answer.body.byteLength === 0;
    if (!scope.schema && (empty || !/json/i.test(type))) return undefined;
    let json: unknown;
    try {
      json = empty ? undefined : JSON.parse(answer.text);
    } catch {
      throw this.unreadable(
        scope,
        `the answer is not valid JSON (${answer.body.byteLength} bytes of ${type || 'no type'})`,
      );
    }
    if (!scope.schema) return json;
    const parsed = scope.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    // Paths and zod's messages only: the values may hold secrets.
    const details = parsed.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw this.unreadable(
      scope,
      `the answer did not have the expected shape (${details[0] ?? 'unknown'})`,
      details,
    );
  }

  private unreadable(scope: Scope, message: string, details: string[] = []): ConnectorError {
    return new ConnectorError({
      provider: this.provider,
      operation: scope.operation,
      code: 'unexpected_response',
      retryable: true,
      message,
      details,
    });
  }

  /** What went wrong in an attempt, whatever the SDK threw. */
  private errorOf(scope: Scope, err: unknown): ConnectorError {
    if (scope.failure) return scope.failure;
    if (isConnectorError(err)) return err;
    const last = scope.last;
    if (!last || last.status < 400) {
      // The SDK failed on an answer that was fine by HTTP: it could not read it.
      const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return this.unreadable(scope, redact(`the answer could not be read (${what})`));
    }
    const reading = { ...describeAnswer(last, this.now()), ...this.options.describe?.(last) };
    const init = {
      provider: this.provider,
      operation: scope.operation,
      status: last.status,
      message: reading.message ?? `HTTP ${last.status}`,
      details: reading.details ?? [],
      retryAfterMs: reading.retryAfterMs,
      ...(reading.code ? { code: reading.code as ConnectorErrorCode } : {}),
      ...(reading.retryable !== undefined ? { retryable: reading.retryable } : {}),
    };
    if (last.status === 401 && !reading.code) {
      return new ReconnectRequiredError({
        ...init,
        message: `${this.provider} refused vahub's credentials (${init.message}): run \`vahub connect ${this.provider}\``,
      });
    }
    return new ConnectorError(init);
  }

  private log(
    scope: Scope,
    req: { url: URL; method: string },
    answer: Answer | null,
    durationMs: number,
  ): void {
    const fields = {
      operation: scope.operation,
      method: req.method,
      path: redact(req.url.pathname),
      status: answer?.status ?? null,
      attempt: scope.attempt,
      durationMs,
      ...(scope.failure ? { code: scope.failure.code } : {}),
    };
    const ok = answer !== null && answer.status < 400 && !scope.failure;
    if (ok) this.logger.debug(fields, 'vendor call');
    else this.logger.warn(fields, 'vendor call failed');
  }
}

function nullBodyStatus(status: number): boolean {
  return status === 101 || status === 204 || status === 205 || status === 304;
}

async function bodyBytes(body: unknown): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString());
  return new Uint8Array(await new Response(body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
}
