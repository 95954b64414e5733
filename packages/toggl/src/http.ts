import {
  ConnectorError,
  DEFAULT_ENDPOINTS,
  type Endpoints,
  parseRetryAfter,
  ReconnectRequiredError,
  type RetryOptions,
  registerSecret,
  withRetry,
} from '@vahub/core';
import type { z } from 'zod';

export type TogglApiName = keyof Endpoints['toggl'];

/** What Toggl said about the hourly quota on its latest answer. */
export interface TogglQuota {
  /** Requests left in the current window (`X-Toggl-Quota-Remaining`); null if the header was absent. */
  remaining: number | null;
  /** When the window frees up again (`X-Toggl-Quota-Resets-In`, seconds), in ms; null if absent. */
  resetsInMs: number | null;
  /** When vahub read these headers (epoch ms). */
  observedAt: number;
}

export interface TogglHttpOptions {
  /** The Toggl Track API token. Registered with core's redaction so it never reaches a message. */
  apiToken: string;
  /** Base URLs; `config.endpoints.toggl` in production, the fake's URLs in tests. @defaultValue DEFAULT_ENDPOINTS.toggl */
  endpoints?: Partial<Endpoints['toggl']>;
  /** Toggl asks callers to name themselves. @defaultValue 'vahub' */
  userAgent?: string;
  /** In-process retries of Toggl's rate limits; see `TOGGL_RETRY`. */
  retry?: RetryOptions;
  /** Called after every answer that carried quota headers, so the jobs package can pace. */
  onQuota?: (quota: TogglQuota) => void;
  /** Called before each in-process wait on a 429/402 (for logs and tests). */
  onWait?: (ms: number) => void;
  /** Per-request timeout. @defaultValue 30_000 */
  timeoutMs?: number;
  now?: () => number;
}

export interface TogglRequest<S extends z.ZodType | null> {
  api: TogglApiName;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** What vahub was doing, for errors: `listClients`, `bulkTag`. */
  operation: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The answer's schema; null when the body is not read. */
  schema: S;
}

export interface TogglResponse<T> {
  data: T;
  headers: Headers;
}

const MAX_BODY_IN_ERROR = 300;

/**
 * Only Toggl's rate limits (429 leaky bucket, 402 hourly quota) are retried in-process: Toggl refused
 * those before doing anything, so repeating is safe even for a POST. A wait longer than 10 s (a quota
 * resetting in 40 minutes) goes back to the job queue; other failures, 5xx included, go to the caller.
 */
export const TOGGL_RETRY: RetryOptions = {
  maxRateLimitWaits: 2,
  maxWaitMs: 10_000,
  retryOn: (error) => error.code === 'rate_limited' || error.code === 'quota_exhausted',
};

/** The one place that knows Toggl's URLs, its auth header and its limit headers. */
export class TogglHttp {
  /** The latest quota Toggl reported; null until an answer carried the headers. */
  quota: TogglQuota | null = null;
  private readonly endpoints: Endpoints['toggl'];
  private readonly authorization: string;
  private readonly retry: RetryOptions;

  constructor(private readonly options: TogglHttpOptions) {
    if (!options.apiToken) {
      throw new ConnectorError({
        provider: 'toggl',
        operation: 'configure',
        code: 'reconnect_required',
        retryable: false,
        message:
          'no Toggl API token: set auth.toggl.apiToken to an environment reference such as TOGGL_API_TOKEN',
      });
    }
    registerSecret(options.apiToken);
    const encoded = Buffer.from(`${options.apiToken}:api_token`).toString('base64');
    registerSecret(encoded);
    this.authorization = `Basic ${encoded}`;
    this.endpoints = { ...DEFAULT_ENDPOINTS.toggl, ...options.endpoints };
    this.retry = { ...TOGGL_RETRY, ...options.retry };
  }

  url(api: TogglApiName, path: string, query?: TogglRequest<null>['query']): string {
    const url = new URL(this.endpoints[api].replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  request<S extends z.ZodType | null>(
    req: TogglRequest<S>,
  ): Promise<TogglResponse<S extends z.ZodType ? z.output<S> : undefined>> {
    return withRetry(() => this.once(req), {
      ...this.retry,
      onRetry: ({ waitMs }) => this.options.onWait?.(waitMs),
    });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async once<S extends z.ZodType | null>(
    req: TogglRequest<S>,
  ): Promise<TogglResponse<S extends z.ZodType ? z.output<S> : undefined>> {
    const headers: Record<string, string> = {
      authorization: this.authorization,
      'user-agent': this.options.userAgent ?? 'vahub',
      accept: 'application/json',
    };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.url(req.api, req.path, req.query), {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new ConnectorError({
        provider: 'toggl',
        operation: req.operation,
        message: `could not reach Toggl (${(err as Error).name}: ${(err as Error).message})`,
        cause: err,
      });
    }
    this.readQuota(res.headers);
    const text = await res.text();
    if (!res.ok) throw this.errorFor(req.operation, res, text);
    type Out = S extends z.ZodType ? z.output<S> : undefined;
    if (req.schema === null) return { data: undefined as Out, headers: res.headers };
    return { data: this.parse(req.operation, req.schema, text) as Out, headers: res.headers };
  }

  private readQuota(headers: Headers): void {
    const remaining = headers.get('x-toggl-quota-remaining');
    const resetsIn = headers.get('x-toggl-quota-resets-in');
    if (remaining === null && resetsIn === null) return;
    const num = (v: string | null) => (v === null || Number.isNaN(Number(v)) ? null : Number(v));
    const resetsSeconds = num(resetsIn);
    this.quota = {
      remaining: num(remaining),
      resetsInMs: resetsSeconds === null ? null : Math.round(resetsSeconds * 1000),
      observedAt: this.now(),
    };
    this.options.onQuota?.(this.quota);
  }

  private parse(operation: string, schema: z.ZodType, text: string): unknown {
    let json: unknown;
    try {
      json = text.length === 0 ? null : JSON.parse(text);
    } catch {
      throw new ConnectorError({
        provider: 'toggl',
        operation,
        code: 'unexpected_response',
        retryable: false,
        message: 'Toggl answered with something that is not JSON',
      });
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    // Paths and zod's messages only: the values may hold secrets (`/me` carries the API token).
    const details = parsed.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConnectorError({
      provider: 'toggl',
      operation,
      code: 'unexpected_response',
      retryable: false,
      message: `Toggl's answer did not have the expected shape (${details[0] ?? 'unknown'})`,
      details,
    });
  }

  private errorFor(operation: string, res: Response, text: string): ConnectorError {
    const said = text.trim().slice(0, MAX_BODY_IN_ERROR) || res.statusText;
    const base = { provider: 'toggl' as const, operation, status: res.status, details: said ? [said] : [] };
    if (res.status === 401) {
      return new ReconnectRequiredError({
        ...base,
        message:
          'Toggl rejected the API token: put a valid one in TOGGL_API_TOKEN (Toggl profile → API token)',
      });
    }
    if (res.status === 402) {
      const seconds = Number(res.headers.get('x-toggl-quota-resets-in'));
      const retryAfterMs =
        Number.isFinite(seconds) && res.headers.get('x-toggl-quota-resets-in') !== null
          ? Math.round(seconds * 1000)
          : parseRetryAfter(res.headers.get('retry-after'), this.now());
      return new ConnectorError({
        ...base,
        code: 'quota_exhausted',
        retryable: true,
        retryAfterMs,
        message: `the hourly Toggl API quota is used up${retryAfterMs === undefined ? '' : `; it frees up in ${Math.ceil(retryAfterMs / 1000)} s`}`,
      });
    }
    if (res.status === 429) {
      return new ConnectorError({
        ...base,
        code: 'rate_limited',
        // Toggl's leaky bucket drains about 1 request a second: wait that when no Retry-After is given.
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), this.now()) ?? 1000,
        message: 'Toggl is rate limiting (about 1 request per second per token)',
      });
    }
    return new ConnectorError({ ...base, message: said || `HTTP ${res.status}` });
  }
}
