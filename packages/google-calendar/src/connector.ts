import {
  bearerAuth,
  type ConnectFlow,
  type ConnectorContext,
  type ConnectorInstance,
  formatInstant,
  HttpPipeline,
  type RetryOptions,
  type TokenManager,
  type WebhookReceiver,
} from '@vahub/core';
import { ChannelStore } from './channel-store.js';
import { describeApiAnswer } from './errors.js';
import { GoogleApi, suggestedWait } from './google-api.js';
import { GoogleCalendar } from './google-calendar.js';
import { connectGoogle } from './loopback.js';
import { GoogleOAuth } from './oauth.js';
import { GOOGLE, GOOGLE_ENDPOINTS, GOOGLE_TOKEN_KEY, type GoogleSecrets } from './settings.js';
import { GoogleSubscriptions } from './subscriptions.js';
import { googleWebhooks } from './webhooks.js';

/** What a `vahub connect google` granted: never the tokens themselves. */
export interface GoogleGrant {
  key: string;
  scope: string | undefined;
  expiresAt: number;
}

export interface GoogleConnectInput {
  /** Show the consent URL to the VA (open a browser, print it). */
  open: (url: string) => Promise<void>;
  /** How long to wait for the VA's consent. @defaultValue 5 minutes */
  timeoutMs?: number;
}

/** The built Google connector: the calendar port, the webhook receiver, and the OAuth side for the CLI. */
export interface GoogleCalendarInstance extends ConnectorInstance<'calendar'> {
  ports: { calendar: GoogleCalendar };
  webhooks: WebhookReceiver;
  /** One push channel on the VA's calendar, renewed before it expires (needs `deps.state`). */
  subscriptions?: GoogleSubscriptions;
  /** `vahub connect google` and `vahub disconnect google`, as every OAuth connector offers them. */
  oauth: ConnectFlow;
  /** Google's OAuth endpoints (authorization request, code exchange, refresh, revoke). */
  googleOAuth: GoogleOAuth;
  /** The grant's token manager (single-flight refresh under `deps.lock`). */
  tokens: TokenManager;
  /**
   * `vahub connect google`: consent in the VA's browser, the loopback redirect, the PKCE code
   * exchange, and the grant stored in `deps.tokens` under `google` (under the grant's lock).
   */
  connect(input: GoogleConnectInput): Promise<GoogleGrant>;
}

/** Knobs the descriptor leaves at their defaults; tests and benchmarks turn them. */
export interface GoogleTuning {
  /**
   * Core's retry policy for the Calendar API. `baseDelayMs` (1 s here) also seeds the wait vahub
   * suggests for a Google rate limit that names none. `deps.sleep` is used unless `sleep` is given.
   */
  retry?: RetryOptions;
  /** Tries of a token-endpoint call; the API's own retries come on top. @defaultValue 2 */
  oauthAttempts?: number;
  /** Bounds every exchange, API and OAuth alike, body included. @defaultValue 30_000 */
  timeoutMs?: number;
}

/**
 * Build the connector from its slice of the config and the shared dependencies. Nothing is called
 * here, and a missing client id or secret is not an error yet: the first call that needs it says
 * which one and where it goes.
 */
export function createGoogleCalendarConnector(
  context: ConnectorContext<undefined, undefined>,
  tuning: GoogleTuning = {},
): GoogleCalendarInstance {
  const { deps } = context;
  const now = deps.now ?? Date.now;
  const endpoints = { ...GOOGLE_ENDPOINTS, ...context.endpoints };
  const retry: RetryOptions = {
    baseDelayMs: 1_000,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...tuning.retry,
  };
  const random = retry.random ?? Math.random;
  const shared = {
    provider: GOOGLE,
    logger: deps.logger,
    limiter: deps.limiter,
    timeoutMs: tuning.timeoutMs,
    now,
  };
  // Token-endpoint calls carry their credentials in the body and run under the grant's lock:
  // no auth of the pipeline's own, and few tries, so a dead endpoint does not hold the lock for long.
  const oauth = new GoogleOAuth({
    secrets: context.secrets as GoogleSecrets,
    endpoints,
    pipeline: new HttpPipeline({ ...shared, retry: { ...retry, attempts: tuning.oauthAttempts ?? 2 } }),
    now,
  });
  const tokens = oauth.tokenManager({ store: deps.tokens, lock: deps.lock, key: GOOGLE_TOKEN_KEY });
  const api = new GoogleApi(
    new HttpPipeline({
      ...shared,
      auth: bearerAuth(tokens),
      retry,
      describe: (answer) =>
        describeApiAnswer(answer, () => suggestedWait(retry.baseDelayMs ?? 1_000, random)),
    }),
    { apiUrl: endpoints.api, limitKey: GOOGLE_TOKEN_KEY },
  );
  const channels = deps.state ? new ChannelStore(deps.state, now) : undefined;
  const calendar = new GoogleCalendar({
    api,
    calendar: context.calendar,
    timeZone: context.va.timezone,
    channels,
    now,
  });
  const connect = (input: GoogleConnectInput) =>
    connectGoogle({ oauth, store: deps.tokens, lock: deps.lock, key: GOOGLE_TOKEN_KEY, ...input });
  return {
    ports: { calendar },
    webhooks: googleWebhooks(channels),
    ...(channels ? { subscriptions: new GoogleSubscriptions(calendar, context.calendar.id, now) } : {}),
    oauth: {
      connect,
      disconnect: async () => {
        const grant = await deps.tokens.get(GOOGLE_TOKEN_KEY);
        if (grant) await oauth.revoke(grant.refreshToken ?? grant.accessToken);
        await deps.tokens.delete(GOOGLE_TOKEN_KEY);
      },
    },
    googleOAuth: oauth,
    tokens,
    connect,
    // The grant works for the configured calendar, by one call (a minute's free/busy).
    whoami: async () => {
      const at = now();
      await calendar.busy({
        start: formatInstant(at),
        end: formatInstant(at + 60_000),
      });
      return `calendar "${context.calendar.id}"`;
    },
  };
}
