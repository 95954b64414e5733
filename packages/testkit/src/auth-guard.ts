import type { FakeGuard, FakeRequest, FakeResponse } from './fake-server.js';

export interface AuthGuardOptions {
  /** `Bearer` (OAuth and personal tokens) or `Basic` (Toggl's API token, OAuth client credentials). */
  scheme: 'Bearer' | 'Basic';
  /** Whether the credential after the scheme is one the vendor would take. */
  accepts(credential: string, req: FakeRequest): boolean;
  /** The vendor's own refusal (status and body shape), given what was missing or wrong. */
  refuse(req: FakeRequest, reason: 'missing' | 'invalid'): FakeResponse;
}

/** A guard that lets a request through only with an accepted `Authorization` credential. */
export function authGuard(options: AuthGuardOptions): FakeGuard {
  const prefix = `${options.scheme.toLowerCase()} `;
  return (req) => {
    const header = req.headers.authorization ?? '';
    if (!header.toLowerCase().startsWith(prefix)) return options.refuse(req, 'missing');
    const credential = header.slice(prefix.length).trim();
    return options.accepts(credential, req) ? null : options.refuse(req, 'invalid');
  };
}

/** The user and password of a Basic credential, or null when it is not one. */
export function decodeBasic(credential: string): { user: string; password: string } | null {
  const text = Buffer.from(credential, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
