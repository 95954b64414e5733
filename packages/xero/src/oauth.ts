import {
  basicAuth,
  HttpPipeline,
  type OAuthTokenSet,
  type PipelineOptions,
  registerSecret,
} from '@vahub/core';
import { tokenAnswer } from './answers.js';
import { describeIdentityAnswer } from './api-errors.js';
import { DEFAULT_XERO_SCOPES, missingSecret, type XeroEndpoints, type XeroSecrets } from './config.js';

export interface XeroOAuthOptions {
  endpoints: Pick<XeroEndpoints, 'authorize' | 'token' | 'revoke'>;
  /** `clientId` and `clientSecret`; a call that needs a missing one fails naming its variable. */
  secrets: XeroSecrets;
  /** @defaultValue DEFAULT_XERO_SCOPES */
  scopes?: readonly string[];
  /** The identity calls' pipeline settings (logger, timeout, retry); auth is the client's own. */
  pipeline: Omit<PipelineOptions, 'provider' | 'auth' | 'describe' | 'limiter' | 'onAnswer'>;
  now?: () => number;
}

/**
 * Xero's identity calls (authorize URL, code exchange, refresh, revocation), each a plain request
 * through a pipeline of its own whose credential is the app's client id and secret (Basic). Xero
 * rotates refresh tokens and a code works once, so neither is repeated in-process after a failure
 * Xero may have acted on: the error goes back to the caller (and the job queue) instead.
 */
export class XeroOAuth {
  readonly scopes: readonly string[];
  private pipeline: HttpPipeline | null = null;
  private readonly now: () => number;

  constructor(private readonly options: XeroOAuthOptions) {
    this.scopes = options.scopes ?? DEFAULT_XERO_SCOPES;
    this.now = options.now ?? Date.now;
  }

  /** Where to send the VA to consent. `state` must be unguessable and checked on the way back. */
  authorizeUrl(input: { redirectUri: string; state: string; scopes?: readonly string[] }): string {
    const clientId = this.options.secrets.clientId;
    if (!clientId) throw missingSecret('clientId', 'authorizeUrl');
    const url = new URL(this.options.endpoints.authorize);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('redirect_uri', input.redirectUri);
    url.searchParams.set('scope', (input.scopes ?? this.scopes).join(' '));
    url.searchParams.set('state', input.state);
    return url.toString();
  }

  /** Trade the authorization code from the redirect for the first token set. */
  exchangeCode(input: { code: string; redirectUri: string }): Promise<OAuthTokenSet> {
    registerSecret(input.code);
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
    registerSecret(refreshToken);
    return this.tokenRequest('refreshToken', { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revoke a refresh token: every connection of the grant goes with it. Safe to repeat. */
  async revoke(refreshToken: string): Promise<void> {
    registerSecret(refreshToken);
    await this.identity('revokeToken').request('revokeToken', {
      method: 'POST',
      url: this.options.endpoints.revoke,
      form: { token: refreshToken },
    });
  }

  private identity(operation: string): HttpPipeline {
    if (this.pipeline) return this.pipeline;
    const { clientId, clientSecret } = this.options.secrets;
    if (!clientId) throw missingSecret('clientId', operation);
    if (!clientSecret) throw missingSecret('clientSecret', operation);
    this.pipeline = new HttpPipeline({
      ...this.options.pipeline,
      provider: 'xero',
      auth: basicAuth(clientId, clientSecret),
      describe: describeIdentityAnswer,
    });
    return this.pipeline;
  }

  private async tokenRequest(operation: string, form: Record<string, string>): Promise<OAuthTokenSet> {
    const { data } = await this.identity(operation).request(
      operation,
      { method: 'POST', url: this.options.endpoints.token, form },
      { schema: tokenAnswer, idempotent: false },
    );
    registerSecret(data.access_token);
    registerSecret(data.refresh_token);
    return {
      accessToken: data.access_token,
      refreshToken: data.refresh_token ?? null,
      expiresAt: this.now() + data.expires_in * 1000,
      scope: data.scope,
      tokenType: data.token_type,
    };
  }
}
