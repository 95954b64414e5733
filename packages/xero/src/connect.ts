import { type HttpPipeline, type Lock, type TokenStore, tokenLockKey } from '@vahub/core';
import { connectionsAnswer } from './answers.js';
import type { XeroOAuth } from './oauth.js';

/** A Xero organisation (or practice) the grant may act on, from `/connections`. */
export interface XeroConnection {
  /** The connection's id (what `DELETE /connections/{id}` takes). */
  id: string;
  tenantId: string;
  tenantType: string;
  tenantName: string | null;
  authEventId: string | null;
}

export interface XeroConnectOptions {
  oauth: XeroOAuth;
  /** The grant's pipeline (Bearer from the token manager): `/connections` is read with the grant. */
  grant: HttpPipeline;
  connectionsUrl: string;
  tokens: TokenStore;
  lock: Lock;
  /** Store key of the grant. */
  tokenKey: string;
}

/**
 * `vahub connect xero` and what goes with it: the consent URL, trading the code for the grant (stored
 * under the refresh lock, so no refresh in another process interleaves), the organisations the grant
 * covers, and disconnecting.
 */
export class XeroConnect {
  constructor(private readonly options: XeroConnectOptions) {}

  /** Where to send the VA to consent. `state` must be unguessable and checked on the way back. */
  authorizeUrl(input: { redirectUri: string; state: string; scopes?: readonly string[] }): string {
    return this.options.oauth.authorizeUrl(input);
  }

  /** Trade the code from the redirect, persist the grant, and list the organisations it covers. */
  async completeConnect(input: { code: string; redirectUri: string }): Promise<XeroConnection[]> {
    const { oauth, lock, tokens, tokenKey } = this.options;
    const token = await oauth.exchangeCode(input);
    await lock.withLock(tokenLockKey(tokenKey), () => tokens.set(tokenKey, token));
    return this.connections();
  }

  /** The organisations the stored grant covers. */
  async connections(): Promise<XeroConnection[]> {
    const { data } = await this.options.grant.request(
      'listConnections',
      { method: 'GET', url: this.options.connectionsUrl },
      { schema: connectionsAnswer },
    );
    return data.map((c) => ({
      id: c.id,
      tenantId: c.tenantId,
      tenantType: c.tenantType,
      tenantName: c.tenantName ?? null,
      authEventId: c.authEventId ?? null,
    }));
  }

  /** Revoke the grant at Xero and forget it here. */
  async disconnect(): Promise<void> {
    const { oauth, lock, tokens, tokenKey } = this.options;
    await lock.withLock(tokenLockKey(tokenKey), async () => {
      const token = await tokens.get(tokenKey);
      if (token?.refreshToken) await oauth.revoke(token.refreshToken);
      await tokens.delete(tokenKey);
    });
  }
}
