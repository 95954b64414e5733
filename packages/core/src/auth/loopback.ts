import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError } from '../errors/errors.js';

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

function failure(provider: string, message: string): ConnectorError {
  return new ConnectorError({ provider, operation: 'authorize', code: 'failed', retryable: false, message });
}

const PAGE = (text: string) => `<!doctype html><meta charset="utf-8"><title>vahub</title><p>${text}</p>`;

export interface LoopbackOptions {
  /** The connector id, for errors. */
  provider: string;
  /** The vendor's name as the VA reads it: "Google Calendar". */
  title: string;
  /** @defaultValue 127.0.0.1 */
  host?: string;
  /** 0 picks a free port; a vendor that only redirects to registered URIs needs a fixed one. @defaultValue 0 */
  port?: number;
  /** @defaultValue /oauth2callback */
  path?: string;
}

export async function startLoopbackReceiver(options: LoopbackOptions): Promise<LoopbackReceiver> {
  const { provider, title } = options;
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/oauth2callback';
  const fail = (message: string) => failure(provider, message);
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
        fail(
          error === 'access_denied'
            ? `the ${title} consent was declined: run \`vahub connect ${provider}\` again and allow access`
            : `${title} answered the sign-in with ${error ?? 'no code'}`,
        ),
      );
      return { status: 400, text: `${title} did not grant access. You can close this tab.` };
    }
    settle.resolve(code);
    return { status: 200, text: `vahub is connected to ${title}. You can close this tab.` };
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        fail(
          err.code === 'EADDRINUSE'
            ? `port ${options.port} on ${host} is taken, so the sign-in cannot come back to vahub: stop what uses it, or register another redirect address`
            : `cannot listen on ${host}:${options.port ?? 0} for the sign-in (${err.code ?? err.message})`,
        ),
      ),
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    redirectUri: `http://${host}:${port}${path}`,
    waitForCode(expectedState, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        timer = setTimeout(
          () => reject(fail(`no sign-in arrived within ${Math.round(timeoutMs / 1000)} s`)),
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
      settle?.reject(fail('the sign-in was abandoned'));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
