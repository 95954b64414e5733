import { randomBytes } from 'node:crypto';
import {
  ConnectorError,
  type Endpoints,
  type Lock,
  type OAuthTokenSet,
  registerSecret,
  TokenManager,
  type TokenStore,
} from '@vahub/core';
import { CodeChallengeMethod, type Credentials, OAuth2Client } from 'google-auth-library';
import { toOAuthError } from './errors.js';

/**
 * What vahub asks for: its own events (blocks, watching changes) and free/busy of the calendars the
 * VA lists. Nothing that reads other people's event details beyond that.
 */
export const GOOGLE_CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.freebusy',
] as const;

export interface GoogleOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** `endpoints.google` of the config: authorize, token and revoke URLs. */
  endpoints: Pick<Endpoints['google'], 'authorize' | 'token' | 'revoke'>;
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

/**
 * Google's OAuth2 authorization-code flow with PKCE (S256) for an installed app with a loopback
 * redirect, and the refresh that `TokenManager` calls. Every URL comes from config `endpoints`.
 */
export class GoogleOAuth {
  private readonly scopes: readonly string[];
  private readonly now: () => number;

  constructor(private readonly options: GoogleOAuthOptions) {
    this.scopes = options.scopes ?? GOOGLE_CALENDAR_SCOPES;
    this.now = options.now ?? Date.now;
    registerSecret(options.clientSecret);
  }

  private client(redirectUri?: string): OAuth2Client {
    return new OAuth2Client({
      clientId: this.options.clientId,
      clientSecret: this.options.clientSecret,
      redirectUri,
      endpoints: {
        oauth2AuthBaseUrl: this.options.endpoints.authorize,
        oauth2TokenUrl: this.options.endpoints.token,
        oauth2RevokeUrl: this.options.endpoints.revoke,
      },
    });
  }

  /**
   * Build the consent URL. `access_type=offline` and `prompt=consent` make Google return a refresh
   * token every time, also when the VA connects again after revoking.
   */
  async authorizationRequest(input: { redirectUri: string; state?: string }): Promise<AuthorizationRequest> {
    const client = this.client(input.redirectUri);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    registerSecret(codeVerifier);
    const state = input.state ?? randomBytes(24).toString('base64url');
    const url = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [...this.scopes],
      state,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
      include_granted_scopes: true,
    });
    return { url, state, codeVerifier, redirectUri: input.redirectUri };
  }

  /** Exchange the code from the redirect (with the PKCE verifier) for a token set. */
  async exchangeCode(input: {
    code: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<OAuthTokenSet> {
    registerSecret(input.code);
    let credentials: Credentials;
    try {
      const client = this.client(input.redirectUri);
      credentials = (
        await client.getToken({
          code: input.code,
          codeVerifier: input.codeVerifier,
          redirect_uri: input.redirectUri,
        })
      ).tokens;
    } catch (err) {
      throw toOAuthError(err, 'exchangeCode');
    }
    const tokens = this.toTokenSet(credentials, 'exchangeCode');
    if (!tokens.refreshToken) {
      throw new ConnectorError({
        provider: 'google',
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
    const client = this.client();
    let latest: Credentials | null = null;
    // The raw token answer: `credentials` afterwards would hide whether Google sent a new refresh token.
    client.on('tokens', (tokens: Credentials) => {
      latest = tokens;
    });
    client.setCredentials({ refresh_token: refreshToken });
    try {
      await client.getAccessToken();
    } catch (err) {
      throw toOAuthError(err, 'refreshToken');
    }
    return this.toTokenSet(latest ?? client.credentials, 'refreshToken');
  }

  /** Revoke the grant at Google (when the VA disconnects vahub). */
  async revoke(token: string): Promise<void> {
    try {
      await this.client().revokeToken(token);
    } catch (err) {
      throw toOAuthError(err, 'revokeToken');
    }
  }

  /** A token manager for this grant: refreshes single-flight through the injected store and lock. */
  tokenManager(input: { store: TokenStore; lock: Lock; key?: string }): TokenManager {
    return new TokenManager({
      provider: 'google',
      key: input.key ?? 'google',
      store: input.store,
      lock: input.lock,
      refresh: (refreshToken) => this.refresh(refreshToken),
      now: this.now,
    });
  }

  private toTokenSet(credentials: Credentials, operation: string): OAuthTokenSet {
    if (!credentials.access_token) {
      throw new ConnectorError({
        provider: 'google',
        operation,
        code: 'unexpected_response',
        retryable: true,
        message: 'the token answer held no access token',
      });
    }
    registerSecret(credentials.access_token);
    registerSecret(credentials.refresh_token);
    registerSecret(credentials.id_token);
    return {
      accessToken: credentials.access_token,
      refreshToken: credentials.refresh_token ?? null,
      expiresAt: credentials.expiry_date ?? this.now() + 3_600_000,
      scope: credentials.scope,
      tokenType: credentials.token_type ?? 'Bearer',
    };
  }
}
