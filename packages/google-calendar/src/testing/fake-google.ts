import { endpointEnvName } from '@vahub/core';
import {
  authGuard,
  type FakeRequest,
  type FakeResponse,
  FakeServer,
  type FaultSpec,
  type LoggedRequest,
  type VendorFake,
} from '@vahub/testkit';
import { GOOGLE, GOOGLE_SECRETS } from '../settings.js';
import { type EventJson, FakeCalendarStore, type StoredEvent } from './fake-calendar-store.js';
import { type DeliveredNotification, type FakeChannel, FakeChannels } from './fake-channels.js';
import { FakeOAuth } from './fake-oauth.js';
import { API_PATHS, registerCalendarRoutes } from './fake-routes.js';
import { errorResponse, GoogleApiError, googleErrorBody } from './google-errors.js';

export interface FakeGoogleOptions {
  clientId?: string;
  clientSecret?: string;
  /** The VA's Google account; its calendar is `primary`. @defaultValue 'va@example.com' */
  account?: string;
  /** The primary calendar's zone. @defaultValue 'Europe/Budapest' */
  timeZone?: string;
  /** @defaultValue 3599 */
  accessTokenTtlSeconds?: number;
  /**
   * The most events on one `events.list` page, whatever `maxResults` asks: Google may answer short
   * pages, and a small cap makes a client's paging run in a test. @defaultValue 2500
   */
  maxPageSize?: number;
  now?: () => number;
}

/** An answer the fake gives instead of its own, whatever it is: garbage, a redirect, a wrong shape. */
export interface RawAnswer {
  /** Which requests it answers. @defaultValue every request */
  match?: (req: FakeRequest) => boolean;
  /** @defaultValue 200 */
  status?: number;
  headers?: Record<string, string>;
  /** The exact bytes of the body. */
  body?: string;
  /** How many requests it answers. @defaultValue 1 */
  times?: number;
}

export const FAKE_SCOPES =
  'https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.freebusy';

/**
 * A faithful local Google for vahub's tests: OAuth (consent redirect, token endpoint with PKCE and
 * refresh, revocation), Calendar events with Google's id rules, 409s and patch semantics, event
 * lists with extended-property filters and sync tokens, freeBusy, push channels that really POST, and
 * rate-limit switches. Every request is in `requests`.
 */
export class FakeGoogle implements VendorFake {
  readonly id = GOOGLE;
  readonly server = new FakeServer('google');
  readonly oauth: FakeOAuth;
  readonly store: FakeCalendarStore;
  readonly channels: FakeChannels;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly account: string;
  private readonly raw: (RawAnswer & { left: number })[] = [];

  constructor(options: FakeGoogleOptions = {}) {
    const now = options.now ?? Date.now;
    this.clientId = options.clientId ?? 'vahub-test.apps.googleusercontent.com';
    this.clientSecret = options.clientSecret ?? 'GOCSPX-fake-client-secret';
    this.account = options.account ?? 'va@example.com';
    this.oauth = new FakeOAuth({
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3599,
      now,
    });
    this.store = new FakeCalendarStore(this.account, now);
    this.store.addCalendar(this.account, options.timeZone ?? 'Europe/Budapest');
    if (options.maxPageSize !== undefined) this.store.maxPageSize = options.maxPageSize;
    this.channels = new FakeChannels({
      now,
      defaultTtlMs: 7 * 86_400_000,
      maxTtlMs: 30 * 86_400_000,
      apiBase: () => `${this.server.url}/`,
    });
    this.store.onChange((calendarId) => this.channels.changed(calendarId));
    this.server.guard((req) => this.rawAnswer(req));
    this.server.guard(
      authGuard({
        scheme: 'Bearer',
        accepts: (token) => this.oauth.check(token) !== null,
        refuse: () =>
          errorResponse(
            new GoogleApiError(401, 'authError', 'Invalid Credentials', 'global', {
              location: 'Authorization',
              locationType: 'header',
            }),
          ),
      }),
      API_PATHS,
    );
    this.oauth.register(this.server);
    registerCalendarRoutes(this.server, { store: this.store, channels: this.channels, oauth: this.oauth });
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.channels.settle();
    await this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  /** For config `endpoints.google`: API root, consent page, token and revoke URLs, all on this fake. */
  endpoints(): { api: string; authorize: string; token: string; revoke: string } {
    return {
      api: `${this.url}/`,
      authorize: `${this.url}/o/oauth2/v2/auth`,
      token: `${this.url}/token`,
      revoke: `${this.url}/revoke`,
    };
  }

  /** The OAuth client it accepts (`GOOGLE_CLIENT_ID`/`SECRET`) and `VAHUB_ENDPOINT_GOOGLE_*` pointing here. */
  env(): Record<string, string> {
    const env: Record<string, string> = {
      [GOOGLE_SECRETS.clientId.env]: this.clientId,
      [GOOGLE_SECRETS.clientSecret.env]: this.clientSecret,
    };
    for (const [name, url] of Object.entries(this.endpoints())) env[endpointEnvName(GOOGLE, name)] = url;
    return env;
  }

  // --- OAuth switches -------------------------------------------------------------------------

  /** A grant as if the VA had connected: for tests of everything but the consent flow. */
  issueGrant(scope = FAKE_SCOPES) {
    return this.oauth.issueGrant(scope);
  }

  /** The VA revoked vahub's access (or the grant expired): refreshes answer `invalid_grant`, the API 401. */
  revokeGrant(): void {
    this.oauth.revokeAll();
  }

  expireAccessTokens(): void {
    this.oauth.expireAccessTokens();
  }

  // --- Calendars, as the VA changes them in Google's UI ----------------------------------------

  addCalendar(id: string, options: { timeZone?: string; owner?: string } = {}): void {
    this.store.addCalendar(id, options.timeZone ?? 'UTC', options.owner ?? this.account);
  }

  /** Create an event as the VA would (a meeting, an all-day event, a declined invitation…). */
  seedEvent(calendarId: string, event: Record<string, unknown>): EventJson {
    return this.store.insert(calendarId, event);
  }

  /** Change an event as the VA would (drag it, resize it): patch semantics. */
  editEvent(calendarId: string, eventId: string, patch: Record<string, unknown>): EventJson {
    return this.store.patch(calendarId, eventId, patch);
  }

  deleteEvent(calendarId: string, eventId: string): void {
    this.store.remove(calendarId, eventId);
  }

  event(calendarId: string, eventId: string): EventJson | undefined {
    return this.store.stored(calendarId, eventId)?.json;
  }

  events(calendarId = 'primary'): StoredEvent[] {
    return [...this.store.resolve(calendarId).events.values()];
  }

  /** Every sync token handed out so far now answers 410 Gone. */
  expireSyncTokens(): void {
    this.store.epoch += 1;
  }

  // --- Channels ---------------------------------------------------------------------------------

  get notifications(): readonly DeliveredNotification[] {
    return this.channels.delivered;
  }

  liveChannels(): FakeChannel[] {
    return [...this.channels.channels.values()].filter((c) => !c.stopped);
  }

  /** The first delivered notification (already or yet to be) matching `predicate`, within `timeoutMs`. */
  waitForNotification(
    predicate: (n: DeliveredNotification) => boolean,
    timeoutMs = 5000,
  ): Promise<DeliveredNotification> {
    return this.channels.waitFor(predicate, timeoutMs);
  }

  // --- Faults and the request log --------------------------------------------------------------

  /**
   * Answer the next API request(s) as Google does when over a limit: 403 `rateLimitExceeded` /
   * `userRateLimitExceeded` (domain usageLimits), or 429. OAuth requests are not affected.
   */
  rateLimit(
    spec: {
      status?: 403 | 429;
      reason?: 'rateLimitExceeded' | 'userRateLimitExceeded';
      retryAfterSeconds?: number;
    } & Pick<FaultSpec, 'times' | 'match'> = {},
  ): void {
    const status = spec.status ?? 403;
    const reason = spec.reason ?? 'rateLimitExceeded';
    const message = reason === 'userRateLimitExceeded' ? 'User Rate Limit Exceeded' : 'Rate Limit Exceeded';
    const match = spec.match;
    this.server.faults.next({
      status,
      json: googleErrorBody(new GoogleApiError(status, reason, message, 'usageLimits')),
      ...(spec.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: spec.retryAfterSeconds }),
      times: spec.times ?? 1,
      match: (req) => req.path.startsWith('/calendar/v3/') && (!match || match(req)),
    });
  }

  /**
   * Answer the next matching request(s) with exactly this, before any check: invalid JSON, a 200 of
   * the wrong shape, a redirect to another host. API and OAuth requests alike.
   */
  answerNext(answer: RawAnswer): void {
    this.raw.push({ ...answer, left: answer.times ?? 1 });
  }

  private rawAnswer(req: FakeRequest): FakeResponse | null {
    const answer = this.raw.find((a) => a.left > 0 && (!a.match || a.match(req)));
    if (!answer) return null;
    answer.left -= 1;
    return {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json; charset=UTF-8', ...answer.headers },
      body: answer.body ?? '',
    };
  }

  get requests(): LoggedRequest[] {
    return this.server.requests;
  }

  /** Requests to the Calendar API (not OAuth), optionally of one method and path. */
  apiRequests(method?: string, path?: RegExp): LoggedRequest[] {
    return this.server.requests.filter(
      (r) =>
        r.path.startsWith('/calendar/v3/') &&
        (method === undefined || r.method === method) &&
        (path === undefined || path.test(r.path)),
    );
  }

  waitForRequest(predicate: (r: LoggedRequest) => boolean, timeoutMs?: number): Promise<LoggedRequest> {
    return this.server.waitForRequest(predicate, timeoutMs);
  }
}
