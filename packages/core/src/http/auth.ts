import { registerSecret } from '../errors/redact.js';

/**
 * How a connector's calls are authenticated. The pipeline asks for the headers before every attempt
 * and adds them itself, only to requests for the origin the call was made to, so no SDK ever holds a
 * credential and none follows a redirect elsewhere.
 */
export interface AuthSource {
  /** The headers that carry the current credential, e.g. `{ authorization: 'Bearer …' }`. */
  headers(): Promise<Record<string, string>>;
  /**
   * The vendor refused `rejected` with a 401: get a fresh credential (single-flight, so concurrent
   * calls refresh once). Absent for credentials that cannot be refreshed (a personal token).
   */
  refresh?(rejected: Record<string, string>): Promise<void>;
}

/** What hands out OAuth access tokens: core's `TokenManager` fits. */
export interface AccessTokenProvider {
  accessToken(): Promise<string>;
  refreshAfterRejection?(rejectedAccessToken: string): Promise<string>;
}

const BEARER = /^Bearer (.+)$/;

/** `Authorization: Bearer <token>`, from a fixed token (a personal access token) or a token provider. */
export function bearerAuth(token: string | AccessTokenProvider): AuthSource {
  if (typeof token === 'string') {
    registerSecret(token);
    return { headers: async () => ({ authorization: `Bearer ${token}` }) };
  }
  const refresh = token.refreshAfterRejection?.bind(token);
  return {
    headers: async () => {
      const current = await token.accessToken();
      registerSecret(current);
      return { authorization: `Bearer ${current}` };
    },
    ...(refresh
      ? {
          refresh: async (rejected: Record<string, string>) => {
            const used = BEARER.exec(rejected.authorization ?? '')?.[1] ?? '';
            registerSecret(await refresh(used));
          },
        }
      : {}),
  };
}

/** `Authorization: Basic base64(user:password)`; both halves are registered as secrets. */
export function basicAuth(user: string, password: string): AuthSource {
  registerSecret(user);
  registerSecret(password);
  const encoded = Buffer.from(`${user}:${password}`).toString('base64');
  registerSecret(encoded);
  return { headers: async () => ({ authorization: `Basic ${encoded}` }) };
}

/** No credential: OAuth token endpoints carry theirs in the body or in headers the caller sets. */
export const noAuth: AuthSource = { headers: async () => ({}) };
