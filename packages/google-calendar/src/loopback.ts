import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError, type Lock, type TokenStore, tokenLockKey } from '@vahub/core';
import type { GoogleOAuth } from './oauth.js';
import { GOOGLE, GOOGLE_TOKEN_KEY } from './settings.js';

/**
 * The redirect target of an installed app (RFC 8252 §7.3): an HTTP server on 127.0.0.1 on a free
 * port that takes one redirect, checks its `state`, and hands over the code.
 */
export interface LoopbackReceiver {
  redirectUri: string;
  /** The code of the first redirect whose `state` matches; rejects on a refusal or after `timeoutMs`. */
  waitForCode(expectedState: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function failure(message: string, code: 'validation' | 'failed' = 'failed'): ConnectorError {
  return new ConnectorError({ provider: GOOGLE, operation: 'authorize', code, retryable: false, message });
}

const PAGE = (text: string) => `<!doctype html><meta charset="utf-8"><title>vahub</title><p>${text}</p>`;

export async function startLoopbackReceiver(
  options: { host?: string; path?: string } = {},
): Promise<LoopbackReceiver> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/oauth2callback';
  let settle: { resolve: (code: string) => void; reject: (err: Error) => void; state: string } | null = null;
  let timer: NodeJS.Timeout | undefined;
  const early: URLSearchParams[] = [];

  const consider = (params: URLSearchParams): { status: number; text: string } => {
    if (!settle) {
      early.push(params);
      return { status: 202, text: 'vahub is not waiting for a sign-in yet.' };
    }
    const state = params.get('state') ?? '';
    if (!sameText(state, settle.state)) {
      return { status: 400, text: 'This sign-in does not belong to the running `vahub connect`.' };
    }
    const error = params.get('error');
    const code = params.get('code');
    if (error || !code) {
      settle.reject(
        failure(
          error === 'access_denied'
            ? 'the Google consent was declined: run `vahub connect google` again and allow access'
            : `Google answered the sign-in with ${error ?? 'no code'}`,
        ),
      );
      return { status: 400, text: 'Google did not grant access. You can close this tab.' };
    }
    settle.resolve(code);
    return { status: 200, text: 'vahub is connected to Google Calendar. You can close this tab.' };
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const answer =
      req.method === 'GET' && url.pathname === path
        ? consider(url.searchParams)
        : { status: 404, text: 'Not found.' };
    res.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE(answer.text));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    redirectUri: `http://${host}:${port}${path}`,
    waitForCode(expectedState, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        timer = setTimeout(
          () => reject(failure(`no sign-in arrived within ${Math.round(timeoutMs / 1000)} s`)),
          timeoutMs,
        );
        settle = {
          state: expectedState,
          resolve: (code) => {
            clearTimeout(timer);
            resolve(code);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        for (const params of early.splice(0)) consider(params);
      });
    },
    async close() {
      clearTimeout(timer);
      settle?.reject(failure('the sign-in was abandoned'));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

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
  const receiver = await startLoopbackReceiver();
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
