import { createHash } from 'node:crypto';
import {
  type Answer,
  type AuthSource,
  basicAuth,
  HttpPipeline,
  type Logger,
  parseRetryAfter,
  type RateLimiter,
  ReconnectRequiredError,
  type RetryOptions,
  readJson,
  redact,
  type VendorReading,
} from '@vahub/core';
import type { z } from 'zod';
import { TOGGL_ENDPOINTS, type TogglEndpoints } from './config.js';
import { TogglLimiter } from './limiter.js';

export type TogglApiName = keyof TogglEndpoints;

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
  /**
   * The Toggl Track API token (`auth.toggl.apiToken`, from `TOGGL_API_TOKEN`). Registered with core's
   * redaction. When absent, nothing fails until the first call, which names the variable to set.
   */
  apiToken: string | undefined;
  /** Base URLs; `config.endpoints.toggl` in production, the fake's URLs in tests. @defaultValue TOGGL_ENDPOINTS */
  endpoints?: Partial<TogglEndpoints>;
  /** Toggl asks callers to name themselves. @defaultValue 'vahub' */
  userAgent?: string;
  logger?: Logger;
  /** Client-side limits across processes (the jobs package's). @defaultValue a `TogglLimiter` of this process */
  limiter?: RateLimiter;
  /** Core's retry policy, with Toggl's defaults (`TOGGL_RETRY`); `random` is also the 429 jitter's source. */
  retry?: RetryOptions;
  /** Called after every answer that carried quota headers, so callers can pace. */
  onQuota?: (quota: TogglQuota) => void;
  /** Bounds each exchange, body included. @defaultValue 30_000 */
  timeoutMs?: number;
  now?: () => number;
}

export interface TogglRequest<S extends z.ZodType | null> {
  api: TogglApiName;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** What vahub was doing, for errors and logs: `listClients`, `bulkTag`. */
  operation: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The answer's schema; null when the body is not read. */
  schema: S;
  /** Whether repeating the request after a failure is harmless. @defaultValue true */
  idempotent?: boolean;
}

export interface TogglResponse<T> {
  data: T;
  headers: Headers;
}

/**
 * Core's policy with Toggl's bounds: rate limits are waited out in-process up to 10 s (a quota that
 * resets in 40 minutes goes back to the job queue, retryable, with its wait), and up to 10 waits on
 * the leaky bucket, whose 429s cost nothing and clear within seconds.
 */
export const TOGGL_RETRY: RetryOptions = { maxRateLimitWaits: 10, maxWaitMs: 10_000 };

/** Toggl's leaky bucket drains about one request a second: the wait when a 429 names none. */
const BUCKET_DRAIN_MS = 1000;
/** The widest extra spread added to a 429's wait, so the wait stays within `TOGGL_RETRY.maxWaitMs`. */
const MAX_SPREAD_MS = 8000;
/** 429s older than this no longer widen the spread. */
const CONGESTION_WINDOW_MS = 10_000;
const MAX_DETAIL = 300;

/**
 * The one place that knows Toggl's URLs, its auth, its limit headers and its error answers: a thin
 * layer over core's `HttpPipeline`, which does the rest (timeouts over the whole exchange, retries
 * with full jitter, no credentials across origins, schema-checked answers, redaction, log lines).
 */
export class TogglHttp {
  /** The latest quota Toggl reported; null until an answer carried the headers. */
  quota: TogglQuota | null = null;
  private readonly pipeline: HttpPipeline;
  private readonly endpoints: TogglEndpoints;
  private readonly limitKey: string;
  private readonly random: () => number;
  private readonly now: () => number;
  /** When this process met Toggl's 429s lately: how crowded the token's bucket is. */
  private recent429s: number[] = [];

  constructor(private readonly options: TogglHttpOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.retry?.random ?? Math.random;
    this.endpoints = { ...TOGGL_ENDPOINTS, ...options.endpoints };
    const token = options.apiToken;
    // Limits are Toggl's per token: count them by a digest, never the token itself.
    this.limitKey = `token:${createHash('sha256')
      .update(token ?? '')
      .digest('hex')
      .slice(0, 16)}`;
    this.pipeline = new HttpPipeline({
      provider: 'toggl',
      auth: token ? basicAuth(token, 'api_token') : missingToken,
      logger: options.logger,
      timeoutMs: options.timeoutMs,
      retry: { ...TOGGL_RETRY, ...options.retry },
      limiter: options.limiter ?? new TogglLimiter({ now: options.now, sleep: options.retry?.sleep }),
      describe: (answer) => this.describe(answer),
      onAnswer: (answer) => this.observe(answer),
      now: options.now,
    });
  }

  url(api: TogglApiName, path: string, query?: TogglRequest<null>['query']): string {
    const url = new URL(this.endpoints[api].replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  async request<S extends z.ZodType | null>(
    req: TogglRequest<S>,
  ): Promise<TogglResponse<S extends z.ZodType ? z.output<S> : undefined>> {
    const res = await this.pipeline.request(
      req.operation,
      {
        method: req.method,
        url: this.url(req.api, req.path, req.query),
        headers: { 'user-agent': this.options.userAgent ?? 'vahub' },
        json: req.body,
      },
      { schema: req.schema, idempotent: req.idempotent ?? true, limitKey: this.limitKey },
    );
    return { data: res.data as S extends z.ZodType ? z.output<S> : undefined, headers: res.headers };
  }

  private observe(answer: Answer): void {
    if (answer.status === 429) {
      const now = this.now();
      this.recent429s = [...this.recent429s.filter((t) => t > now - CONGESTION_WINDOW_MS), now];
    }
    const remaining = answer.headers.get('x-toggl-quota-remaining');
    const resetsIn = answer.headers.get('x-toggl-quota-resets-in');
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

  /** Toggl's meanings: the token refused, the hourly quota (402), the leaky bucket (429), plain-text messages. */
  private describe(answer: Answer): VendorReading {
    const json = readJson(answer);
    // Toggl answers most errors with a bare JSON string: `"Incorrect username and/or password"`.
    const said = typeof json === 'string' && json.trim() ? redact(json.trim()).slice(0, MAX_DETAIL) : null;
    const base: VendorReading = said ? { message: said, details: [said] } : {};
    if (answer.status === 401) {
      return {
        ...base,
        message:
          'Toggl rejected the API token: put a valid one in TOGGL_API_TOKEN (Toggl → Profile settings → API Token)',
      };
    }
    if (answer.status === 402) {
      const resetsIn = answer.headers.get('x-toggl-quota-resets-in');
      const seconds = Number(resetsIn);
      const retryAfterMs =
        resetsIn !== null && Number.isFinite(seconds)
          ? Math.round(seconds * 1000)
          : parseRetryAfter(answer.headers.get('retry-after'), this.now());
      return {
        ...base,
        code: 'quota_exhausted',
        retryable: true,
        retryAfterMs,
        message: `the hourly Toggl API quota is used up${retryAfterMs === undefined ? '' : `; it frees up in ${Math.ceil(retryAfterMs / 1000)} s`}`,
      };
    }
    if (answer.status === 429) {
      return {
        ...base,
        code: 'rate_limited',
        retryable: true,
        retryAfterMs: this.jitteredBucketWait(answer),
        message: 'Toggl is rate limiting (about 1 request per second per token)',
      };
    }
    return base;
  }

  /**
   * Wait at least what the 429 asks (or the bucket's one second), plus a random part that doubles
   * with each 429 met lately: callers refused together spread out instead of colliding again.
   */
  private jitteredBucketWait(answer: Answer): number {
    const asked = parseRetryAfter(answer.headers.get('retry-after'), this.now()) ?? BUCKET_DRAIN_MS;
    const crowd = Math.max(1, this.recent429s.length);
    const spread = Math.min(MAX_SPREAD_MS, asked * 2 ** (crowd - 1));
    return asked + Math.round(this.random() * spread);
  }
}

/** No token configured: the first call fails, naming what to set, and nothing is sent. */
const missingToken: AuthSource = {
  headers: async () => {
    throw new ReconnectRequiredError({
      provider: 'toggl',
      operation: 'authenticate',
      message:
        'no Toggl API token: set TOGGL_API_TOKEN, or auth.toggl.apiToken to a reference to another variable; find it in Toggl → Profile settings → API Token',
    });
  },
};
