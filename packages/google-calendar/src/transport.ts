import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { OAuth2Client } from 'google-auth-library';
import { describeFailure, reconnectGoogle, toConnectorError } from './errors.js';

/** Where access tokens come from: core's `TokenManager` (single-flight refresh through the injected store and lock). */
export interface AccessTokenSource {
  accessToken(): Promise<string>;
  refreshAfterRejection(rejectedAccessToken: string): Promise<string>;
}

export interface RetryOptions {
  /** Attempts in all, the first one included. @defaultValue 3 */
  attempts?: number;
  /**
   * A wait longer than this is not slept here: the error goes to the caller (the job queue) with
   * `retryAfterMs`, so a worker is never parked for minutes. @defaultValue 30_000
   */
  maxWaitMs?: number;
  /** First backoff when Google names no wait (it doubles per attempt, with jitter). @defaultValue 1_000 */
  baseDelayMs?: number;
  /** Injectable for tests, so a `Retry-After: 1` is honoured without a real second passing. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface TransportOptions {
  /** The API root, `endpoints.google.api` (e.g. `https://www.googleapis.com/`). */
  apiUrl: string;
  tokens: AccessTokenSource;
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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
 * POST and PATCH. Here every retry honours Google's wait (or backs off), waits through an
 * injectable `sleep`, and covers inserts and patches too, which is safe because block ids are
 * deterministic.
 */
export class GoogleTransport {
  readonly api: calendar_v3.Calendar;
  private readonly attempts: number;
  private readonly maxWaitMs: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: TransportOptions) {
    this.api = calendar({
      version: 'v3',
      rootUrl: options.apiUrl,
      retry: false,
      timeout: options.timeoutMs ?? 30_000,
    });
    this.attempts = Math.max(1, options.retry?.attempts ?? 3);
    this.maxWaitMs = options.retry?.maxWaitMs ?? 30_000;
    this.baseDelayMs = options.retry?.baseDelayMs ?? 1_000;
    this.sleep = options.retry?.sleep ?? defaultSleep;
    this.random = options.retry?.random ?? Math.random;
  }

  /** Run one API request with `auth` as the call's credentials; returns the response body. */
  async call<T>(
    operation: string,
    request: (auth: OAuth2Client) => Promise<{ data: T }>,
    options: CallOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.authorized(operation, request);
      } catch (err) {
        const backoff = this.backoff(attempt);
        const error = toConnectorError(err, operation, backoff);
        const wait = error.retryAfterMs ?? backoff;
        const mayRetry = error.retryable && (options.idempotent ?? true) && attempt < this.attempts;
        if (!mayRetry || wait > this.maxWaitMs) throw error;
        await this.sleep(wait);
      }
    }
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

  private backoff(attempt: number): number {
    const base = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.round(base + base * 0.25 * this.random());
  }
}
