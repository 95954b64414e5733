import { createHash, randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse, FakeServer } from '@vahub/testkit';
import { GoogleApiError } from './google-errors.js';

interface PendingCode {
  clientId: string;
  redirectUri: string;
  scope: string;
  offline: boolean;
  challenge: string | null;
  method: 'S256' | 'plain';
  expiresAt: number;
}

interface Grant {
  clientId: string;
  scope: string;
  revoked: boolean;
}

interface AccessGrant {
  scope: string;
  expiresAt: number;
  grant: Grant | null;
}

export interface FakeOAuthOptions {
  clientId: string;
  clientSecret: string;
  accessTokenTtlSeconds: number;
  now: () => number;
}

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?(\/.*)?$/;
const oauthError = (status: number, error: string, description: string): FakeResponse => ({
  status,
  json: { error, error_description: description },
});

function random(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/**
 * Google's OAuth for an installed app: the consent page (which always consents, unless told to
 * deny), the token endpoint (authorization_code with PKCE, refresh_token) and revocation.
 */
export class FakeOAuth {
  /** What the next consent does: `deny` redirects with `error=access_denied`. */
  consent: 'allow' | 'deny' = 'allow';
  private readonly codes = new Map<string, PendingCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessGrant>();

  constructor(private readonly options: FakeOAuthOptions) {}

  register(server: FakeServer): void {
    server.route('GET', '/o/oauth2/v2/auth', (req) => this.authorize(req));
    server.route('POST', '/token', (req) => this.token(req));
    server.route('POST', '/revoke', (req) => this.revokeRoute(req));
  }

  /** A grant made without the browser (tests of everything but the flow itself). */
  issueGrant(scope: string): { accessToken: string; refreshToken: string; expiresAt: number } {
    const refreshToken = random('1//fake-refresh-');
    const grant: Grant = { clientId: this.options.clientId, scope, revoked: false };
    this.grants.set(refreshToken, grant);
    const { accessToken, expiresAt } = this.mintAccess(grant);
    return { accessToken, refreshToken, expiresAt };
  }

  /** The VA removed vahub's access (or the grant expired): refreshes answer `invalid_grant`. */
  revokeAll(): void {
    for (const grant of this.grants.values()) grant.revoked = true;
  }

  /** Every access token is now expired (the API answers 401); refresh tokens still work. */
  expireAccessTokens(): void {
    for (const access of this.accessTokens.values()) access.expiresAt = this.options.now() - 1;
  }

  /** The scope of a valid access token, or null (unknown, expired, revoked). */
  check(accessToken: string): string | null {
    const access = this.accessTokens.get(accessToken);
    if (!access || access.expiresAt <= this.options.now() || access.grant?.revoked) return null;
    return access.scope;
  }

  private mintAccess(grant: Grant) {
    const accessToken = random('ya29.fake-');
    const expiresAt = this.options.now() + this.options.accessTokenTtlSeconds * 1000;
    this.accessTokens.set(accessToken, { scope: grant.scope, expiresAt, grant });
    return { accessToken, expiresAt };
  }

  private authorize(req: FakeRequest): FakeResponse {
    const q = req.query;
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== this.options.clientId) {
      return { status: 401, body: 'Error 401: invalid_client. The OAuth client was not found.' };
    }
    if (!LOOPBACK.test(redirectUri)) {
      return { status: 400, body: 'Error 400: redirect_uri_mismatch' };
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const challenge = q.get('code_challenge');
    const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : null);
    if (q.get('response_type') !== 'code' || !q.get('scope')) {
      back.searchParams.set('error', 'invalid_request');
    } else if (
      challenge &&
      (!/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge) || !['S256', 'plain'].includes(method ?? ''))
    ) {
      back.searchParams.set('error', 'invalid_request');
    } else if (this.consent === 'deny') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = random('4/fake-code-');
      this.codes.set(code, {
        clientId: this.options.clientId,
        redirectUri,
        scope: q.get('scope') ?? '',
        offline: q.get('access_type') === 'offline',
        challenge,
        method: method === 'plain' ? 'plain' : 'S256',
        expiresAt: this.options.now() + 10 * 60_000,
      });
      back.searchParams.set('code', code);
      back.searchParams.set('scope', q.get('scope') ?? '');
    }
    return { status: 302, headers: { location: back.toString() }, body: '' };
  }

  private clientOk(form: URLSearchParams, req: FakeRequest): boolean {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const [user, password] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      id = user ?? null;
      secret = password ?? null;
    }
    return id === this.options.clientId && secret === this.options.clientSecret;
  }

  private token(req: FakeRequest): FakeResponse {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Expected a form-encoded body.');
    }
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    if (!this.clientOk(form, req)) return oauthError(401, 'invalid_client', 'Unauthorized');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.exchange(form);
    if (grantType === 'refresh_token') return this.refresh(form);
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }

  private exchange(form: URLSearchParams): FakeResponse {
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code); // single use, whatever happens next
    if (!pending || pending.expiresAt <= this.options.now()) {
      return oauthError(400, 'invalid_grant', 'Malformed auth code.');
    }
    if (form.get('redirect_uri') !== pending.redirectUri) {
      return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    }
    if (pending.challenge) {
      const verifier = form.get('code_verifier');
      if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      const derived =
        pending.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (derived !== pending.challenge) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    const grant: Grant = { clientId: pending.clientId, scope: pending.scope, revoked: false };
    const { accessToken } = this.mintAccess(grant);
    const body: Record<string, unknown> = {
      access_token: accessToken,
      expires_in: this.options.accessTokenTtlSeconds,
      scope: pending.scope,
      token_type: 'Bearer',
    };
    if (pending.offline) {
      const refreshToken = random('1//fake-refresh-');
      this.grants.set(refreshToken, grant);
      body.refresh_token = refreshToken;
    }
    return { status: 200, json: body };
  }

  private refresh(form: URLSearchParams): FakeResponse {
    const grant = this.grants.get(form.get('refresh_token') ?? '');
    if (!grant || grant.revoked)
      return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    const { accessToken } = this.mintAccess(grant);
    // Google keeps the refresh token: the answer carries none.
    return {
      status: 200,
      json: {
        access_token: accessToken,
        expires_in: this.options.accessTokenTtlSeconds,
        scope: grant.scope,
        token_type: 'Bearer',
      },
    };
  }

  private revokeRoute(req: FakeRequest): FakeResponse {
    const token =
      req.query.get('token') ?? new URLSearchParams(req.rawBody.toString('utf8')).get('token') ?? '';
    const grant = this.grants.get(token) ?? this.accessTokens.get(token)?.grant;
    if (!grant) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    grant.revoked = true;
    return { status: 200, json: {} };
  }
}

/** Scopes that allow a kind of request. */
const READ_EVENTS = ['calendar', 'calendar.readonly', 'calendar.events', 'calendar.events.readonly'];
const WRITE_EVENTS = ['calendar', 'calendar.events'];
const FREE_BUSY = ['calendar', 'calendar.readonly', 'calendar.freebusy', 'calendar.events.freebusy'];
export const SCOPES_FOR = { readEvents: READ_EVENTS, writeEvents: WRITE_EVENTS, freeBusy: FREE_BUSY };

/** 403 when the (already accepted) bearer token's scopes do not allow the request. */
export function requireScope(oauth: FakeOAuth, req: FakeRequest, allowed: readonly string[]): void {
  const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  const scope = match?.[1] ? oauth.check(match[1].trim()) : null;
  if (scope === null) throw new GoogleApiError(401, 'authError', 'Invalid Credentials');
  const granted = scope.split(' ').map((s) => s.replace('https://www.googleapis.com/auth/', ''));
  if (!granted.some((s) => allowed.includes(s))) {
    throw new GoogleApiError(
      403,
      'insufficientPermissions',
      'Request had insufficient authentication scopes.',
    );
  }
}
