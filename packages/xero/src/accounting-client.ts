import { ConnectorError, type TokenManager } from '@vahub/core';
import { AccountingApi } from 'xero-node';
import { readRejection, toConnectorError, type XeroLimitName } from './api-errors.js';
import { KeyedSemaphore, readLimits, type XeroLimits } from './limits.js';

/** One structured log line of the connector. It never carries a token or a secret. */
export type XeroLogEvent =
  | { event: 'xero.retry_after_401'; operation: string; tenantId: string }
  | {
      event: 'xero.rate_limited';
      operation: string;
      tenantId: string;
      limit: XeroLimitName;
      retryAfterMs: number;
      willRetry: boolean;
    }
  | {
      event: 'xero.call_failed';
      operation: string;
      tenantId: string;
      status: number | undefined;
      code: string;
    };

export interface AccountingClientOptions {
  /** The Accounting API base, e.g. `https://api.xero.com/api.xro/2.0`. */
  basePath: string;
  tokens: TokenManager;
  /** How a 429's `Retry-After` is waited out; tests pass one that moves a fake clock. */
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** 429s waited out before giving up with a rate_limited error. @defaultValue 2 */
  maxRateLimitRetries?: number;
  /** A `Retry-After` longer than this is not waited for here: the error goes to the job queue instead. @defaultValue 60 s */
  maxRetryAfterMs?: number;
  /** Calls in flight per organisation from this process (Xero allows 5). @defaultValue 5 */
  maxInFlightPerTenant?: number;
  /**
   * Give up on an answer after this long. xero-node sets no timeout of its own, so a half-open
   * connection would hang the call and hold one of the tenant's in-flight places. @defaultValue 30 s
   */
  requestTimeoutMs?: number;
  log?: (event: XeroLogEvent) => void;
}

interface SdkResult<T> {
  response: { headers?: unknown };
  body: T;
}

function plainHeaders(headers: unknown): Record<string, string> {
  const source =
    typeof (headers as { toJSON?: unknown } | null)?.toJSON === 'function'
      ? (headers as { toJSON: () => Record<string, unknown> }).toJSON()
      : ((headers ?? {}) as Record<string, unknown>);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (typeof v === 'string' || typeof v === 'number') out[k.toLowerCase()] = String(v);
  }
  return out;
}

/**
 * Runs xero-node `AccountingApi` calls with a valid access token: refreshes once on a 401, waits
 * out a 429's `Retry-After` (bounded), records the limit headers, and turns every failure into a
 * `ConnectorError`. A fresh `AccountingApi` per call carries that call's token, so concurrent calls
 * never share the SDK's mutable `accessToken`.
 */
export class AccountingClient {
  private readonly latest = new Map<string, XeroLimits>();
  private readonly inFlight: KeyedSemaphore;
  private readonly maxRateLimitRetries: number;
  private readonly maxRetryAfterMs: number;

  constructor(private readonly options: AccountingClientOptions) {
    this.inFlight = new KeyedSemaphore(options.maxInFlightPerTenant ?? 5);
    this.maxRateLimitRetries = options.maxRateLimitRetries ?? 2;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  }

  /** The limit headers Xero sent on its last answer for this tenant. */
  limits(tenantId: string): XeroLimits | null {
    return this.latest.get(tenantId) ?? null;
  }

  async call<T>(
    operation: string,
    tenantId: string,
    fn: (api: AccountingApi) => Promise<SdkResult<T>>,
  ): Promise<{ body: T; headers: Record<string, string> }> {
    const { tokens, log } = this.options;
    let refreshed = false;
    let rateLimited = 0;
    for (;;) {
      const token = await tokens.accessToken();
      const api = new AccountingApi(this.options.basePath);
      api.accessToken = token;
      try {
        const result = await this.inFlight.run(tenantId, () => this.bounded(operation, fn(api)));
        const headers = plainHeaders(result.response.headers);
        this.remember(tenantId, headers);
        return { body: result.body, headers };
      } catch (reason) {
        if (reason instanceof ConnectorError) throw reason;
        const failure = readRejection(reason);
        this.remember(tenantId, failure.headers);
        if (failure.status === 401 && !refreshed) {
          refreshed = true;
          log?.({ event: 'xero.retry_after_401', operation, tenantId });
          await tokens.refreshAfterRejection(token);
          continue;
        }
        const error = toConnectorError(operation, failure, tenantId);
        if (failure.status === 429) {
          const wait = error.retryAfterMs ?? 1000;
          const willRetry = rateLimited < this.maxRateLimitRetries && wait <= this.maxRetryAfterMs;
          log?.({
            event: 'xero.rate_limited',
            operation,
            tenantId,
            limit: (error as { limit?: XeroLimitName }).limit ?? 'unknown',
            retryAfterMs: wait,
            willRetry,
          });
          if (willRetry) {
            rateLimited += 1;
            await this.options.sleep(wait);
            continue;
          }
        }
        log?.({ event: 'xero.call_failed', operation, tenantId, status: error.status, code: error.code });
        throw error;
      }
    }
  }

  /** The call, or a retryable network error once `requestTimeoutMs` has passed without an answer. */
  private bounded<T>(operation: string, call: Promise<T>): Promise<T> {
    const ms = this.options.requestTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ConnectorError({
              provider: 'xero',
              operation,
              code: 'network',
              retryable: true,
              message: `Xero did not answer within ${ms} ms`,
            }),
          ),
        ms,
      );
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  }

  private remember(tenantId: string, headers: Record<string, string>): void {
    const limits = readLimits(headers, this.options.now());
    if (limits) this.latest.set(tenantId, limits);
  }
}
