import { createHash, randomBytes } from 'node:crypto';
import {
  ConnectorError,
  type HttpPipeline,
  HttpStatusError,
  type Lock,
  type OAuthTokenSet,
  registerSecret,
  TokenManager,
  type TokenStore,
} from '@vahub/core';
import type { z } from 'zod';
import { oauthFailure, secretMissing } from './errors.js';
import { tokenAnswer } from './schemas.js';
import {
  GOOGLE,
  GOOGLE_CALENDAR_SCOPES,
  GOOGLE_TOKEN_KEY,
  type GoogleEndpoints,
  type GoogleSecrets,
} from './settings.js';

export interface GoogleOAuthOptions {
  /** `auth.google`: either may be missing; the first call that needs it says so. */
  secrets: GoogleSecrets;
  /** `endpoints.google`: authorize, token and revoke URLs. */
  endpoints: Pick<GoogleEndpoints, 'authorize' | 'token' | 'revoke'>;
  /** A pipeline without credentials of its own: the token endpoint takes the client's in the body. */
  pipeline: HttpPipeline;
  scopes?: readonly string[];
  now?: () => number;
}

/** The URL to open in the VA's browser, and what must be kept to finish the flow. */
export interface AuthorizationRequest {
  url: string;
  /** Echoed back on the redirect; compare it before accepting a code (CSRF). */
  state: string;
  /** The PKCE secret: never leaves this process until the code exchange. */
  codeVerifier: string;
  redirectUri: string;
}

/** Token-endpoint statuses that carry an OAuth error body (RFC 6749 §5.2) vahub reads itself. */
const OAUTH_ERRORS = [400, 401] as const;

/** How long the fresh token read from the store is used before the store is read again. */
const GOOGLE_TOKEN_REREAD_MS = 5_000;

/**
 * Google's OAuth2 authorization-code flow with PKCE (S256) for an installed app with a loopback
 * redirect, the refresh that `TokenManager` calls, and revocation. Every call goes through the
 * pipeline: a timeout over the whole exchange (a token endpoint that never answers fails instead of
 * holding the refresh lock), and no redirect followed to another origin, so the refresh token and the
 * client secret in the body never reach another host.
 */
export class GoogleOAuth {
  private readonly scopes: readonly string[];
  private readonly now: () => number;

  constructor(private readonly options: GoogleOAuthOptions) {
    this.scopes = options.scopes ?? GOOGLE_CALENDAR_SCOPES;
    this.now = options.now ?? Date.now;
    registerSecret(options.secrets.clientSecret);
  }

  private client(operation: string): { clientId: string; clientSecret: string } {
    const { clientId, clientSecret } = this.options.secrets;
    if (!clientId) throw secretMissing(operation, 'clientId');
    if (!clientSecret) throw secretMissing(operation, 'clientSecret');
    return { clientId, clientSecret };
  }

  /**
   * Build the consent URL. `access_type=offline` and `prompt=consent` make Google return a refresh
   * token every time, also when the VA connects again after revoking.
   */
  async authorizationRequest(input: { redirectUri: string; state?: string }): Promise<AuthorizationRequest> {
    const { clientId } = this.client('authorize');
    const codeVerifier = randomBytes(48).toString('base64url');
    registerSecret(codeVerifier);
    const state = input.state ?? randomBytes(24).toString('base64url');
    const url = new URL(this.options.endpoints.authorize);
    const params = {
      client_id: clientId,
      redirect_uri: input.redirectUri,
      response_type: 'code',
      scope: this.scopes.join(' '),
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      state,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return { url: url.toString(), state, codeVerifier, redirectUri: input.redirectUri };
  }

  /** Exchange the code from the redirect (with the PKCE verifier) for a token set. */
  async exchangeCode(input: {
    code: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<OAuthTokenSet> {
    const client = this.client('exchangeCode');
    registerSecret(input.code);
    const answer = await this.post({
      operation: 'exchangeCode',
      url: this.options.endpoints.token,
      form: {
        grant_type: 'authorization_code',
        code: input.code,
        code_verifier: input.codeVerifier,
        redirect_uri: input.redirectUri,
        client_id: client.clientId,
        client_secret: client.clientSecret,
      },
      schema: tokenAnswer,
      // A code is single-use: after an answer that may have been processed, a repeat can only fail.
      idempotent: false,
    });
    const tokens = this.toTokenSet(answer);
    if (!tokens.refreshToken) {
      throw new ConnectorError({
        provider: GOOGLE,
        operation: 'exchangeCode',
        code: 'unexpected_response',
        retryable: false,
        message: 'Google granted no refresh token, so vahub could not work unattended: connect Google again',
      });
    }
    return tokens;
  }

  /**
   * Refresh an access token: what `TokenManager` calls, under its lock. A revoked or expired grant
   * (`invalid_grant`) throws `ReconnectRequiredError` at once: retrying cannot bring it back.
   */
  async refresh(refreshToken: string): Promise<OAuthTokenSet> {
    const client = this.client('refreshToken');
    registerSecret(refreshToken);
    const answer = await this.post({
      operation: 'refreshToken',
      url: this.options.endpoints.token,
      form: {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: client.clientId,
        client_secret: client.clientSecret,
      },
      schema: tokenAnswer,
      // Google does not rotate refresh tokens: repeating a refresh is harmless.
      idempotent: true,
    });
    return this.toTokenSet(answer);
  }

  /** Revoke the grant at Google (when the VA disconnects vahub). */
  async revoke(token: string): Promise<void> {
    registerSecret(token);
    await this.post({
      operation: 'revokeToken',
      url: this.options.endpoints.revoke,
      form: { token },
      schema: null,
      idempotent: true,
    });
  }

  /** A token manager for this grant: refreshes single-flight through the injected store and lock. */
  tokenManager(input: { store: TokenStore; lock: Lock; key?: string }): TokenManager {
    return new TokenManager({
      provider: GOOGLE,
      key: input.key ?? GOOGLE_TOKEN_KEY,
      store: input.store,
      lock: input.lock,
      refresh: (refreshToken) => this.refresh(refreshToken),
      now: this.now,
      // A replan writes dozens of blocks in a burst: one read and decryption of the grant per 5 s,
      // not one per call (a Google access token stays valid until it expires, refreshed or not).
      rereadAfterMs: GOOGLE_TOKEN_REREAD_MS,
    });
  }

  /** POST a form to an OAuth endpoint; an OAuth error answer is read here, everything else by the pipeline. */
  private async post<S extends z.ZodType | null>(input: {
    operation: string;
    url: string;
    form: Record<string, string>;
    schema: S;
    idempotent: boolean;
  }): Promise<S extends z.ZodType ? z.output<S> : undefined> {
    type Out = S extends z.ZodType ? z.output<S> : undefined;
    const { pipeline } = this.options;
    const result = await pipeline.attempt(
      input.operation,
      async () => {
        const res = await pipeline.fetch(input.url, {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(input.form).toString(),
        });
        const body = await res.text();
        if (!res.ok) throw new HttpStatusError(res.status);
        // The pipeline has checked the answer against the schema already; this only types it.
        return (input.schema ? input.schema.parse(JSON.parse(body)) : undefined) as Out;
      },
      { schema: input.schema, auth: false, idempotent: input.idempotent, limitKey: 'oauth' },
      OAUTH_ERRORS,
    );
    if (!result.ok)
      throw oauthFailure({ operation: input.operation, status: result.status, json: result.json });
    return result.value;
  }

  private toTokenSet(answer: z.output<typeof tokenAnswer>): OAuthTokenSet {
    registerSecret(answer.access_token);
    registerSecret(answer.refresh_token);
    registerSecret(answer.id_token);
    return {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token ?? null,
      expiresAt: this.now() + (answer.expires_in ?? 3600) * 1000,
      scope: answer.scope,
      tokenType: answer.token_type ?? 'Bearer',
    };
  }
}
