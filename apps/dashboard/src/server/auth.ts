import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const SESSION_COOKIE = 'vahub_session';
export const TOKEN_ENV = 'VAHUB_DASHBOARD_TOKEN';

/**
 * Who may look. `open`: anyone who can reach the port (the default bind is 127.0.0.1, so only this
 * machine). `token`: a login with the token or password from the environment first.
 */
export type DashboardAuth =
  | { mode: 'open' }
  | {
      mode: 'token';
      token: string;
      /** Signs session cookies. @defaultValue random per process: a restart signs everyone out */
      sessionKey?: Buffer;
      /** @defaultValue 12 hours */
      sessionTtlMs?: number;
      /** Failed logins per address before it waits. @defaultValue 5 per 15 minutes */
      maxFailures?: number;
      failureWindowMs?: number;
      now?: () => number;
    };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
export const isLoopback = (host: string) => LOOPBACK.has(host) || host.startsWith('127.');

/**
 * The auth for a bind address: the token from `VAHUB_DASHBOARD_TOKEN` when set; none on loopback
 * without one; an error naming the variable when the dashboard would be exposed without one.
 */
export function authFromEnv(env: Record<string, string | undefined>, host: string): DashboardAuth {
  const token = env[TOKEN_ENV];
  if (token !== undefined && token !== '') {
    if (token.length < 16)
      throw new Error(
        `${TOKEN_ENV} is too short: use at least 16 characters (e.g. \`openssl rand -hex 24\`)`,
      );
    return { mode: 'token', token };
  }
  if (isLoopback(host)) return { mode: 'open' };
  throw new Error(
    `the dashboard would listen on ${host} without a login: set ${TOKEN_ENV} (at least 16 characters), or bind to 127.0.0.1`,
  );
}

/** Equal-time comparison of two secrets of any length (both hashed to the same size first). */
export function sameSecret(given: string, expected: string, key: Buffer): boolean {
  const a = createHmac('sha256', key).update(given).digest();
  const b = createHmac('sha256', key).update(expected).digest();
  return timingSafeEqual(a, b);
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const piece of (header ?? '').split(';')) {
    const eq = piece.indexOf('=');
    if (eq > 0) out.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  return out;
}

export interface Gate {
  /** Lets a request through, or answers it: a page redirects to the login, the API says 401. */
  require(req: Request, res: Response, next: NextFunction): void;
  /** POST /login: a session cookie for the right token; 401 for a wrong or missing one; 429 when too many. */
  login(req: Request, res: Response): void;
  logout(req: Request, res: Response): void;
  readonly open: boolean;
}

export function createGate(
  auth: DashboardAuth,
  onRefused: (res: Response, status: number, why: string) => void,
): Gate {
  if (auth.mode === 'open') {
    return {
      open: true,
      require: (_req, _res, next) => next(),
      login: (_req, res) => res.redirect(303, '/'),
      logout: (_req, res) => res.redirect(303, '/'),
    };
  }
  const key = auth.sessionKey ?? randomBytes(32);
  const ttl = auth.sessionTtlMs ?? 12 * 3600_000;
  const maxFailures = auth.maxFailures ?? 5;
  const failureWindow = auth.failureWindowMs ?? 15 * 60_000;
  const now = auth.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const sign = (body: string) => createHmac('sha256', key).update(body).digest('base64url');

  const issue = () => {
    const body = `${now() + ttl}.${randomBytes(16).toString('base64url')}`;
    return `${body}.${sign(body)}`;
  };
  const valid = (cookie: string | undefined) => {
    if (!cookie) return false;
    const dot = cookie.lastIndexOf('.');
    if (dot < 0) return false;
    const body = cookie.slice(0, dot);
    const mac = Buffer.from(cookie.slice(dot + 1));
    const expected = Buffer.from(sign(body));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return false;
    const expires = Number(body.split('.')[0]);
    return Number.isFinite(expires) && expires > now();
  };
  const bearer = (req: Request) => {
    const h = req.get('authorization');
    return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
  };
  const recent = (addr: string) => {
    const list = (failures.get(addr) ?? []).filter((t) => t > now() - failureWindow);
    failures.set(addr, list);
    return list;
  };
  const cookieOptions = { httpOnly: true, secure: true, sameSite: 'strict' as const, path: '/' };

  return {
    open: false,
    require(req, res, next) {
      const cookie = parseCookies(req.get('cookie')).get(SESSION_COOKIE);
      const token = bearer(req);
      if (valid(cookie) || (token !== undefined && sameSecret(token, auth.token, key))) return next();
      if (req.path.startsWith('/api/')) return onRefused(res, 401, 'sign in first');
      res.redirect(303, '/login');
    },
    login(req, res) {
      const addr = req.socket.remoteAddress ?? 'unknown';
      const list = recent(addr);
      if (list.length >= maxFailures) {
        const wait = Math.ceil(((list[0] ?? now()) + failureWindow - now()) / 1000);
        res.set('Retry-After', String(Math.max(1, wait)));
        return onRefused(
          res,
          429,
          `too many failed sign-ins: try again in ${Math.max(1, Math.ceil(wait / 60))} min`,
        );
      }
      const given = typeof req.body?.token === 'string' ? req.body.token : '';
      if (given === '' || !sameSecret(given, auth.token, key)) {
        list.push(now());
        return onRefused(res, 401, given === '' ? 'enter the dashboard token' : 'that token is not right');
      }
      failures.delete(addr);
      res.cookie(SESSION_COOKIE, issue(), { ...cookieOptions, maxAge: ttl });
      res.redirect(303, '/');
    },
    logout(_req, res) {
      res.clearCookie(SESSION_COOKIE, cookieOptions);
      res.redirect(303, '/login');
    },
  };
}
