import { randomBytes } from 'node:crypto';
import {
  type ConnectFlow,
  type ConnectResult,
  type HttpPipeline,
  type Lock,
  startLoopbackReceiver,
  type TokenStore,
  tokenLockKey,
} from '@vahub/core';
import { connectionsAnswer } from './answers.js';
import type { XeroOAuth } from './oauth.js';

/**
 * The redirect address vahub registers with a Xero app by default. Xero takes `http://localhost`
 * addresses for apps people run themselves.
 */
export const DEFAULT_REDIRECT = 'http://localhost:8789/connect/xero/callback';

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
export class XeroConnect implements ConnectFlow {
  constructor(private readonly options: XeroConnectOptions) {}

  /**
   * `vahub connect xero` end to end: a loopback receiver at `redirectUri` (Xero redirects only to the
   * addresses registered for the app, so it must be one of those), the consent page, the code traded
   * for the grant, and the organisations it reaches.
   */
  async connect(input: Parameters<ConnectFlow['connect']>[0]): Promise<ConnectResult> {
    const wanted = new URL(input.redirectUri ?? DEFAULT_REDIRECT);
    const receiver = await startLoopbackReceiver({
      provider: 'xero',
      title: 'Xero',
      host: wanted.hostname,
      port: Number(wanted.port || 0),
      path: wanted.pathname,
    });
    try {
      const state = randomBytes(24).toString('base64url');
      const code = receiver.waitForCode(state, input.timeoutMs ?? 5 * 60_000);
      code.catch(() => undefined);
      await input.open(this.authorizeUrl({ redirectUri: receiver.redirectUri, state }));
      const organisations = await this.completeConnect({
        code: await code,
        redirectUri: receiver.redirectUri,
      });
      const token = await this.options.tokens.get(this.options.tokenKey);
      return {
        key: this.options.tokenKey,
        scope: token?.scope,
        expiresAt: token?.expiresAt,
        reaches: organisations.map((o) => ({ id: o.tenantId, name: o.tenantName ?? o.tenantId })),
      };
    } finally {
      await receiver.close();
    }
  }

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
