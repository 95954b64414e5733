import { type Lock, startLoopbackReceiver, type TokenStore, tokenLockKey } from '@vahub/core';
import type { GoogleOAuth } from './oauth.js';
import { GOOGLE, GOOGLE_TOKEN_KEY } from './settings.js';

export interface ConnectGoogleInput {
  oauth: GoogleOAuth;
  store: TokenStore;
  /** The lock that guards the grant: storing it never interleaves with a refresh. */
  lock?: Lock;
  /** Store key of the grant. @defaultValue 'google' */
  key?: string;
  /** Show the URL to the VA (open a browser, print it). */
  open: (url: string) => Promise<void>;
  /** @defaultValue 5 minutes */
  timeoutMs?: number;
}

/**
 * `vahub connect google`: open the consent page, take the loopback redirect, exchange the code with
 * the PKCE verifier and store the grant. Returns what was granted, never the tokens.
 */
export async function connectGoogle(
  input: ConnectGoogleInput,
): Promise<{ key: string; scope: string | undefined; expiresAt: number }> {
  const receiver = await startLoopbackReceiver({ provider: GOOGLE, title: 'Google Calendar' });
  try {
    const request = await input.oauth.authorizationRequest({ redirectUri: receiver.redirectUri });
    const code = receiver.waitForCode(request.state, input.timeoutMs ?? 5 * 60_000);
    // If opening fails, `finally` abandons the wait: that rejection is expected, not unhandled.
    code.catch(() => undefined);
    await input.open(request.url);
    const tokens = await input.oauth.exchangeCode({
      code: await code,
      codeVerifier: request.codeVerifier,
      redirectUri: request.redirectUri,
    });
    const key = input.key ?? GOOGLE_TOKEN_KEY;
    const store = () => input.store.set(key, tokens);
    await (input.lock ? input.lock.withLock(tokenLockKey(key), store) : store());
    return { key, scope: tokens.scope, expiresAt: tokens.expiresAt };
  } finally {
    await receiver.close();
  }
}
