import { type Provider, ReconnectRequiredError } from '../errors/errors.js';
import { registerSecret } from '../errors/redact.js';

/** An OAuth grant as vahub keeps it. `expiresAt` is epoch milliseconds. */
export interface OAuthTokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number;
  scope?: string | undefined;
  tokenType?: string | undefined;
}

/** Where tokens live. The jobs package stores them encrypted in Redis; tests may use `MemoryTokenStore`. */
export interface TokenStore {
  get(key: string): Promise<OAuthTokenSet | null>;
  set(key: string, token: OAuthTokenSet): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A mutual-exclusion lock by key. The Redis one holds across processes; `MemoryLock` within one. */
export interface Lock {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, OAuthTokenSet>();
  async get(key: string) {
    return this.tokens.get(key) ?? null;
  }
  async set(key: string, token: OAuthTokenSet) {
    this.tokens.set(key, { ...token });
  }
  async delete(key: string) {
    this.tokens.delete(key);
  }
}

export class MemoryLock implements Lock {
  private readonly tails = new Map<string, Promise<unknown>>();
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/**
 * The lock that guards a grant. Anything else that writes the grant (connecting, disconnecting) takes
 * the same lock, so it never interleaves with a refresh.
 */
export function tokenLockKey(key: string): string {
  return `token-refresh:${key}`;
}

export interface TokenManagerOptions {
  provider: Provider;
  /** Store key of this grant, e.g. `xero` or `google:va@example.com`. */
  key: string;
  store: TokenStore;
  lock: Lock;
  /** Exchange a refresh token for a new token set. Throw `ReconnectRequiredError` on `invalid_grant`. */
  refresh: (refreshToken: string) => Promise<OAuthTokenSet>;
  /** Refresh this long before expiry. @defaultValue 5 minutes */
  refreshAheadMs?: number;
  now?: () => number;
}

/**
 * Hands out a valid access token, refreshing single-flight: one refresh at a time per grant in this
 * process (a shared promise) and across processes (the lock). After taking the lock it re-reads the
 * store, so a refresh another process finished is used instead of repeated: with rotating refresh
 * tokens (Xero) a second refresh with the old token would kill the grant. The new token is persisted
 * before anyone uses it.
 */
export class TokenManager {
  private inflight: Promise<OAuthTokenSet> | null = null;
  private readonly refreshAheadMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenManagerOptions) {
    this.refreshAheadMs = options.refreshAheadMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private fresh(token: OAuthTokenSet | null): token is OAuthTokenSet {
    return token !== null && token.expiresAt - this.now() > this.refreshAheadMs;
  }

  /** A valid access token, refreshed first if it expires within `refreshAheadMs`. */
  async accessToken(): Promise<string> {
    const token = await this.options.store.get(this.options.key);
    if (!token)
      throw new ReconnectRequiredError({ provider: this.options.provider, operation: 'getAccessToken' });
    registerSecret(token.accessToken);
    registerSecret(token.refreshToken);
    if (this.fresh(token)) return token.accessToken;
    return (await this.refreshOnce(null)).accessToken;
  }

  /** Refresh after the API refused `rejectedAccessToken` (a 401), unless someone already has. */
  async refreshAfterRejection(rejectedAccessToken: string): Promise<string> {
    return (await this.refreshOnce(rejectedAccessToken)).accessToken;
  }

  private refreshOnce(rejected: string | null): Promise<OAuthTokenSet> {
    if (!this.inflight) {
      this.inflight = this.refreshLocked(rejected).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async refreshLocked(rejected: string | null): Promise<OAuthTokenSet> {
    const { store, key, lock, provider } = this.options;
    return lock.withLock(tokenLockKey(key), async () => {
      const current = await store.get(key);
      if (!current) throw new ReconnectRequiredError({ provider, operation: 'refreshToken' });
      if (this.fresh(current) && current.accessToken !== rejected) return current;
      if (!current.refreshToken) {
        throw new ReconnectRequiredError({
          provider,
          operation: 'refreshToken',
          message: `the ${provider} grant has no refresh token: run \`vahub connect ${provider}\``,
        });
      }
      const next = await this.options.refresh(current.refreshToken);
      registerSecret(next.accessToken);
      registerSecret(next.refreshToken);
      // Some providers omit the refresh token when it did not change (Google): keep the old one.
      const stored: OAuthTokenSet = { ...next, refreshToken: next.refreshToken ?? current.refreshToken };
      await store.set(key, stored);
      return stored;
    });
  }
}
