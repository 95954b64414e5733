import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { type RetryOptions, withRetry } from '@vahub/core';
import { OAuth2Client } from 'google-auth-library';
import { describeFailure, reconnectGoogle, toConnectorError } from './errors.js';

/** Where access tokens come from: core's `TokenManager` (single-flight refresh through the injected store and lock). */
export interface AccessTokenSource {
  accessToken(): Promise<string>;
  refreshAfterRejection(rejectedAccessToken: string): Promise<string>;
}

export interface TransportOptions {
  /** The API root, `endpoints.google.api` (e.g. `https://www.googleapis.com/`). */
  apiUrl: string;
  tokens: AccessTokenSource;
  /**
   * Core's shared retry policy. `baseDelayMs` (default 1 s here) also seeds the wait vahub suggests
   * for a Google rate limit that names none: doubled per consecutive limit, as Google advises.
   */
  retry?: RetryOptions;
  /** Per-request timeout. @defaultValue 30_000 */
  timeoutMs?: number;
}

export interface CallOptions {
  /**
   * Whether repeating the request is safe. Everything vahub sends is (deterministic event ids make a
   * repeated insert a 409, a patch sets absolute values, a repeated delete is a 404/410), except
   * opening a watch channel after an answer that may have been processed.
   * @defaultValue true
   */
  idempotent?: boolean;
}

/** A client that only carries this one access token: it has no refresh token, so the SDK can never refresh on its own. */
function bearer(accessToken: string): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: accessToken, token_type: 'Bearer' });
  return client;
}

/**
 * The one place that knows how vahub talks to the Calendar API: the SDK pointed at `apiUrl`, an
 * access token from the token manager on every call, one refresh after a 401, and retries.
 *
 * The SDK's own retry is off: gaxios ignores `Retry-After`, sleeps 0.1–3.5 s for real, and skips
 * POST and PATCH. Here core's `withRetry` waits what Google asked (or what vahub suggests for a
 * 403 rate limit without `Retry-After`), backs off on 5xx, sleeps through an injectable `sleep`, and
 * covers inserts and patches too, which is safe because block ids are deterministic.
 */
export class GoogleTransport {
  readonly api: calendar_v3.Calendar;
  private readonly retry: RetryOptions;

  constructor(private readonly options: TransportOptions) {
    this.api = calendar({
      version: 'v3',
      rootUrl: options.apiUrl,
      retry: false,
      timeout: options.timeoutMs ?? 30_000,
    });
    this.retry = { baseDelayMs: 1_000, ...options.retry };
  }

  /** Run one API request with `auth` as the call's credentials; returns the response body. */
  async call<T>(
    operation: string,
    request: (auth: OAuth2Client) => Promise<{ data: T }>,
    options: CallOptions = {},
  ): Promise<T> {
    let limits = 0;
    return withRetry(
      async () => {
        try {
          const result = await this.authorized(operation, request);
          limits = 0;
          return result;
        } catch (err) {
          const suggested = this.suggestedWait(limits);
          const error = toConnectorError(err, operation, suggested);
          if (error.code === 'rate_limited') limits += 1;
          return Promise.reject(error);
        }
      },
      {
        ...this.retry,
        // A rate-limited request was refused before it did anything, so even a watch may repeat it.
        retryOn: (error) => (options.idempotent ?? true) || error.code === 'rate_limited',
      },
    );
  }

  /** One request; after a 401, one refresh through the token manager and one more try. */
  private async authorized<T>(
    operation: string,
    request: (auth: OAuth2Client) => Promise<{ data: T }>,
  ): Promise<T> {
    const token = await this.options.tokens.accessToken();
    try {
      return (await request(bearer(token))).data;
    } catch (err) {
      if (describeFailure(err).status !== 401) throw err;
    }
    const fresh = await this.options.tokens.refreshAfterRejection(token);
    try {
      return (await request(bearer(fresh))).data;
    } catch (err) {
      if (describeFailure(err).status === 401) {
        throw reconnectGoogle(operation, 'Google refused a freshly refreshed access token');
      }
      throw err;
    }
  }

  /** Google's advice for a limit without `Retry-After`: 1 s, 2 s, 4 s… plus up to a quarter of jitter. */
  private suggestedWait(limitsSoFar: number): number {
    const base = (this.retry.baseDelayMs ?? 1_000) * 2 ** limitsSoFar;
    return Math.round(base + base * 0.25 * (this.retry.random ?? Math.random)());
  }
}
