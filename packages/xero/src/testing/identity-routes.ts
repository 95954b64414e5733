import { authGuard, decodeBasic, type FakeRequest, type FakeResponse, type FakeServer } from '@vahub/testkit';
import { type FakeGrant, type IdentityState, opaque, problem, randomUUID } from './state.js';

export interface IdentityOptions {
  clientId: string;
  clientSecret: string;
  /** Access token lifetime. @defaultValue 1800 (Xero's 30 minutes) */
  accessTokenSeconds: number;
  /**
   * How long a rotated refresh token still works if its answer was lost (its successor never used).
   * Xero allows 30 minutes; the fake defaults to 0 so a second refresh with the same token fails
   * the way an unlucky race does in production. @defaultValue 0
   */
  refreshGraceMs: number;
  /** Xero's refresh tokens expire after 60 days unused. */
  refreshTokenLifetimeMs: number;
  /** Tenants the consent screen grants. */
  consentTenants: () => string[];
  tenantName: (tenantId: string) => string | null;
  now: () => number;
}

const oauthError = (status: number, error: string): FakeResponse => ({ status, json: { error } });

function form(req: FakeRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody.toString('utf8'));
}

/** The grant behind an access token, or null if it is unknown, expired or revoked. */
export function grantOfToken(state: IdentityState, token: string, now: number): FakeGrant | null {
  const record = state.accessTokens.get(token);
  if (!record || record.expiresAt <= now) return null;
  const grant = state.grants.get(record.grantId);
  return grant && !grant.revoked ? grant : null;
}

/** The grant behind a request's `Bearer` access token, or null. */
export function grantOf(state: IdentityState, req: FakeRequest, now: number): FakeGrant | null {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? grantOfToken(state, header.slice(7).trim(), now) : null;
}

/** Issue an access token (and a refresh token with `offline_access`) for a grant. */
export function issueTokens(state: IdentityState, grant: FakeGrant, options: IdentityOptions) {
  const now = options.now();
  const accessToken = opaque('fake-at');
  state.accessTokens.set(accessToken, {
    grantId: grant.id,
    expiresAt: now + options.accessTokenSeconds * 1000,
  });
  const offline = grant.scope.split(' ').includes('offline_access');
  const refreshToken = offline ? opaque('fake-rt') : null;
  if (refreshToken) {
    state.refreshTokens.set(refreshToken, {
      grantId: grant.id,
      issuedAt: now,
      usedAt: null,
      successor: null,
      dead: false,
    });
  }
  return {
    ...(grant.scope.split(' ').includes('openid') ? { id_token: opaque('fake-idt') } : {}),
    access_token: accessToken,
    expires_in: options.accessTokenSeconds,
    token_type: 'Bearer',
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: grant.scope,
  };
}

export function newGrant(state: IdentityState, options: IdentityOptions, scope: string, tenantIds: string[]) {
  const grant: FakeGrant = {
    id: randomUUID(),
    clientId: options.clientId,
    scope,
    authEventId: randomUUID(),
    connections: tenantIds.map((tenantId) => ({
      id: randomUUID(),
      tenantId,
      createdDateUtc: new Date(options.now()).toISOString().replace('Z', ''),
    })),
    revoked: false,
  };
  state.grants.set(grant.id, grant);
  return grant;
}

function refresh(state: IdentityState, options: IdentityOptions, token: string | null): FakeResponse {
  const now = options.now();
  const record = token ? state.refreshTokens.get(token) : undefined;
  const grant = record ? state.grants.get(record.grantId) : undefined;
  if (!record || !grant || grant.revoked || record.dead) return oauthError(400, 'invalid_grant');
  if (record.usedAt === null && now - record.issuedAt > options.refreshTokenLifetimeMs) {
    return oauthError(400, 'invalid_grant');
  }
  if (record.usedAt !== null) {
    const successor = record.successor ? state.refreshTokens.get(record.successor) : undefined;
    const answerLost = successor !== undefined && successor.usedAt === null;
    if (!answerLost || now - record.usedAt >= options.refreshGraceMs) return oauthError(400, 'invalid_grant');
    if (successor) successor.dead = true; // the lost answer is replaced by this one
  }
  const tokens = issueTokens(state, grant, options);
  record.usedAt = record.usedAt ?? now;
  record.successor = tokens.refresh_token ?? null;
  return { status: 200, json: tokens };
}

/** login.xero.com authorize, identity.xero.com token and revocation, api.xero.com/connections. */
export function identityRoutes(server: FakeServer, state: IdentityState, options: IdentityOptions): void {
  server.route('GET', '/identity/connect/authorize', (req): FakeResponse => {
    const q = req.query;
    const redirect = q.get('redirect_uri');
    if (q.get('client_id') !== options.clientId || !redirect) {
      return { status: 400, body: 'unauthorized_client', headers: { 'content-type': 'text/plain' } };
    }
    const target = new URL(redirect);
    const scope = (q.get('scope') ?? '').trim();
    if (q.get('response_type') !== 'code' || scope.length === 0) {
      target.searchParams.set('error', 'invalid_request');
    } else {
      const grant = newGrant(state, options, scope, options.consentTenants());
      const code = opaque('fake-code');
      state.codes.set(code, { grantId: grant.id, redirectUri: redirect, used: false });
      target.searchParams.set('code', code);
      target.searchParams.set('scope', scope);
    }
    const stateParam = q.get('state');
    if (stateParam !== null) target.searchParams.set('state', stateParam);
    return { status: 302, headers: { location: target.toString() } };
  });

  // Xero's identity server takes the app's credentials as Basic auth and refuses anything else.
  server.guard(
    authGuard({
      scheme: 'Basic',
      accepts: (credential) => {
        const client = decodeBasic(credential);
        return client?.user === options.clientId && client.password === options.clientSecret;
      },
      refuse: () => oauthError(400, 'invalid_client'),
    }),
    /^\/connect\/(token|revocation)$/,
  );
  // The Accounting API and /connections take the grant's access token.
  server.guard(
    authGuard({
      scheme: 'Bearer',
      accepts: (token) => grantOfToken(state, token, options.now()) !== null,
      refuse: (req) =>
        req.path.startsWith('/connections')
          ? { status: 401, body: '' }
          : problem(401, 'Unauthorized', 'AuthenticationUnsuccessful'),
    }),
    /^\/(api\.xro|connections)(\/|$)/,
  );

  server.route('POST', '/connect/token', (req) => {
    const body = form(req);
    const grantType = body.get('grant_type');
    if (grantType === 'refresh_token') return refresh(state, options, body.get('refresh_token'));
    if (grantType !== 'authorization_code') return oauthError(400, 'unsupported_grant_type');
    const code = state.codes.get(body.get('code') ?? '');
    if (!code || code.used || code.redirectUri !== body.get('redirect_uri')) {
      return oauthError(400, 'invalid_grant');
    }
    code.used = true;
    const grant = state.grants.get(code.grantId);
    if (!grant) return oauthError(400, 'invalid_grant');
    return { status: 200, json: issueTokens(state, grant, options) };
  });

  server.route('POST', '/connect/revocation', (req) => {
    const body = form(req);
    const record = state.refreshTokens.get(body.get('token') ?? '');
    const grant = record ? state.grants.get(record.grantId) : undefined;
    if (grant) grant.revoked = true;
    return { status: 200, body: '' };
  });

  server.route('GET', '/connections', (req) => {
    const grant = grantOf(state, req, options.now());
    if (!grant) return { status: 401, body: '' };
    return {
      status: 200,
      json: grant.connections.map((c) => ({
        id: c.id,
        authEventId: grant.authEventId,
        tenantId: c.tenantId,
        tenantType: 'ORGANISATION',
        tenantName: options.tenantName(c.tenantId),
        createdDateUtc: c.createdDateUtc,
        updatedDateUtc: c.createdDateUtc,
      })),
    };
  });

  server.route('DELETE', '/connections/:id', (req) => {
    const grant = grantOf(state, req, options.now());
    if (!grant) return { status: 401, body: '' };
    const before = grant.connections.length;
    grant.connections = grant.connections.filter((c) => c.id !== req.params.id);
    return { status: grant.connections.length < before ? 204 : 404, body: '' };
  });
}
