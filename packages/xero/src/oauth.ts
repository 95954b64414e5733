import {
  ConnectorError,
  DEFAULT_ENDPOINTS,
  type Endpoints,
  type OAuthTokenSet,
  ReconnectRequiredError,
  registerSecret,
} from '@vahub/core';
import { z } from 'zod';

export type XeroEndpoints = Endpoints['xero'];

/**
 * What vahub asks for: a refresh token, writing invoices, reading contacts. These are Xero's granular
 * scopes, the only ones apps created since 2 March 2026 may request; an older app may pass the broad
 * `accounting.transactions accounting.contacts.read` instead through `scopes`.
 */
export const DEFAULT_XERO_SCOPES = ['offline_access', 'accounting.invoices', 'accounting.contacts.read'];

export interface XeroOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Any subset of the endpoints; the rest default to Xero's. */
  endpoints?: Partial<XeroEndpoints>;
  /** @defaultValue DEFAULT_XERO_SCOPES */
  scopes?: readonly string[];
  /** Per request. @defaultValue 15 s */
  timeoutMs?: number;
  now?: () => number;
}

/** A Xero organisation (or practice) the grant may act on, from `/connections`. */
export interface XeroConnection {
  /** The connection's id (what `DELETE /connections/{id}` takes). */
  id: string;
  tenantId: string;
  tenantType: string;
  tenantName: string | null;
  authEventId: string | null;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

const connectionsResponse = z.array(
  z.object({
    id: z.string(),
    tenantId: z.string(),
    tenantType: z.string(),
    tenantName: z.string().nullish(),
    authEventId: z.string().nullish(),
  }),
);

/**
 * Xero's identity calls (authorize URL, token, revocation, connections), done here on `fetch`
 * rather than through xero-node's `XeroClient`, which hard-codes identity.xero.com and
 * api.xero.com/connections and discovers endpoints over the network with openid-client. Every URL
 * comes from `endpoints`, so the same code runs against Xero, a proxy or the fake.
 */
export class XeroOAuth {
  readonly endpoints: XeroEndpoints;
  readonly scopes: readonly string[];
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: XeroOAuthOptions) {
    this.endpoints = { ...DEFAULT_ENDPOINTS.xero, ...options.endpoints };
    this.scopes = options.scopes ?? DEFAULT_XERO_SCOPES;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.now = options.now ?? Date.now;
    registerSecret(options.clientSecret);
  }

  /** Where to send the VA to consent. `state` must be unguessable and checked on the way back. */
  authorizeUrl(input: { redirectUri: string; state: string; scopes?: readonly string[] }): string {
    const url = new URL(this.endpoints.authorize);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('redirect_uri', input.redirectUri);
    url.searchParams.set('scope', (input.scopes ?? this.scopes).join(' '));
    url.searchParams.set('state', input.state);
    return url.toString();
  }

  /** Trade the authorization code from the redirect for the first token set. */
  exchangeCode(input: { code: string; redirectUri: string }): Promise<OAuthTokenSet> {
    return this.tokenRequest('exchangeCode', {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
    });
  }

  /**
   * Trade a refresh token for a new token set. Xero rotates: the answer carries a new refresh token
   * and the old one dies, so the caller must persist the answer before using it (`TokenManager` does).
   */
  refresh(refreshToken: string): Promise<OAuthTokenSet> {
    return this.tokenRequest('refreshToken', { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revoke a refresh token: every connection of the grant goes with it. */
  async revoke(refreshToken: string): Promise<void> {
    const res = await this.send('revokeToken', this.endpoints.revoke, {
      method: 'POST',
      headers: { ...this.basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken }).toString(),
    });
    if (!res.ok) throw await this.failure('revokeToken', res);
  }

  /** The organisations this access token may act on. */
  async connections(accessToken: string): Promise<XeroConnection[]> {
    registerSecret(accessToken);
    const res = await this.send('listConnections', this.endpoints.connections, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (!res.ok) throw await this.failure('listConnections', res);
    const parsed = connectionsResponse.safeParse(await res.json().catch(() => null));
    if (!parsed.success) {
      throw new ConnectorError({
        provider: 'xero',
        operation: 'listConnections',
        status: res.status,
        code: 'unexpected_response',
        message: 'the connections answer is not a list of tenants',
      });
    }
    return parsed.data.map((c) => ({
      id: c.id,
      tenantId: c.tenantId,
      tenantType: c.tenantType,
      tenantName: c.tenantName ?? null,
      authEventId: c.authEventId ?? null,
    }));
  }

  /** Disconnect one organisation from the grant. */
  async deleteConnection(accessToken: string, connectionId: string): Promise<void> {
    const url = `${this.endpoints.connections.replace(/\/$/, '')}/${encodeURIComponent(connectionId)}`;
    const res = await this.send('deleteConnection', url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (!res.ok && res.status !== 404) throw await this.failure('deleteConnection', res);
  }

  private basicAuth(): Record<string, string> {
    const pair = `${this.options.clientId}:${this.options.clientSecret}`;
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  }

  private async tokenRequest(operation: string, form: Record<string, string>): Promise<OAuthTokenSet> {
    const res = await this.send(operation, this.endpoints.token, {
      method: 'POST',
      headers: {
        ...this.basicAuth(),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form).toString(),
    });
    if (!res.ok) throw await this.failure(operation, res);
    const parsed = tokenResponse.safeParse(await res.json().catch(() => null));
    if (!parsed.success) {
      throw new ConnectorError({
        provider: 'xero',
        operation,
        status: res.status,
        code: 'unexpected_response',
        message: 'the token answer has no access token or expiry',
      });
    }
    const t = parsed.data;
    registerSecret(t.access_token);
    registerSecret(t.refresh_token);
    return {
      accessToken: t.access_token,
      refreshToken: t.refresh_token ?? null,
      expiresAt: this.now() + t.expires_in * 1000,
      scope: t.scope,
      tokenType: t.token_type,
    };
  }

  private async send(operation: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      // The fetch error names the host and the cause, never the request's headers or body.
      throw new ConnectorError({
        provider: 'xero',
        operation,
        message: `${new URL(url).host} did not answer: ${(err as Error).message}`,
      });
    }
  }

  private async failure(operation: string, res: Response): Promise<ConnectorError> {
    const text = await res.text().catch(() => '');
    const parsed = oauthError.safeParse(safeJson(text));
    const error = parsed.success ? parsed.data.error : null;
    if (error === 'invalid_grant' || error === 'invalid_client' || error === 'unauthorized_client') {
      const why =
        error === 'invalid_grant'
          ? 'Xero refused the grant (invalid_grant): it was revoked, unused for 60 days, or its refresh token was already rotated'
          : `Xero refused vahub's client credentials (${error}): check XERO_CLIENT_ID and XERO_CLIENT_SECRET`;
      return new ReconnectRequiredError({
        provider: 'xero',
        operation,
        status: res.status,
        message: `${why}; reconnect Xero with \`vahub connect xero\``,
      });
    }
    if (res.status === 401 && operation !== 'exchangeCode') {
      return new ReconnectRequiredError({ provider: 'xero', operation, status: res.status });
    }
    const detail = parsed.success ? [parsed.data.error, parsed.data.error_description ?? ''] : [];
    return new ConnectorError({
      provider: 'xero',
      operation,
      status: res.status,
      message: error ? `Xero answered ${error}` : `Xero answered HTTP ${res.status}`,
      details: detail.filter(Boolean),
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
