/** An OAuth grant as vahub keeps it. Times are epoch milliseconds. */
export interface OAuthTokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number;
  /**
   * When the access token was issued. With `expiresAt` it gives the token's lifetime, which caps how
   * early it is refreshed (a 2-second token is not "about to expire" for its whole life). Grants
   * saved before this existed lack it; `TokenManager` stamps it on every token it refreshes.
   */
  issuedAt?: number | undefined;
  scope?: string | undefined;
  tokenType?: string | undefined;
}

/**
 * How long before expiry a token is refreshed: `refreshAheadMs`, but never more than a quarter of
 * the token's lifetime, so a short-lived token is used for most of its life instead of being
 * "about to expire" from the start. A token without `issuedAt` has an unknown lifetime: the full lead.
 */
export function refreshLeadMs(token: Pick<OAuthTokenSet, 'expiresAt' | 'issuedAt'>, refreshAheadMs: number) {
  if (token.issuedAt === undefined) return refreshAheadMs;
  return Math.max(0, Math.min(refreshAheadMs, Math.floor((token.expiresAt - token.issuedAt) / 4)));
}

/**
 * A refresh that was sent to the vendor and has not been answered or recorded yet. Any other
 * refresher waits for it (up to `until`) instead of spending the same refresh token again, which a
 * vendor that rotates refresh tokens (Xero) would answer by killing the grant.
 */
export interface RefreshIntent {
  /** Fencing token of the lease the refresher held when it wrote this. */
  fence: number;
  /** Epoch ms after which an unanswered refresh counts as lost and may be repeated. */
  until: number;
}

/** A grant with what the store needs to change it safely. */
export interface TokenRecord {
  token: OAuthTokenSet;
  refreshing: RefreshIntent | null;
  /** Opaque; changes with every write. `replace` writes only over the revision it was given. */
  revision: string;
}

/**
 * Where grants live. The jobs package keeps them encrypted in Redis (`RedisTokenStore`); tests may
 * use `MemoryTokenStore`. Every method is bounded in time: a store that cannot answer throws.
 */
export interface TokenStore {
  get(key: string): Promise<OAuthTokenSet | null>;
  /** Write unconditionally (a new grant from `vahub connect`), clearing any refresh intent. */
  set(key: string, token: OAuthTokenSet): Promise<void>;
  delete(key: string): Promise<void>;
  /** The grant with its revision and refresh intent, or null if there is none. */
  read(key: string): Promise<TokenRecord | null>;
  /**
   * Write `token` and `refreshing` only if the record is still at `ifRevision` (null: only if there
   * is no record). Returns the new revision, or null when the record moved on (nothing written).
   */
  replace(
    key: string,
    next: { ifRevision: string | null; token: OAuthTokenSet; refreshing: RefreshIntent | null },
  ): Promise<string | null>;
}

export class MemoryTokenStore implements TokenStore {
  private readonly records = new Map<string, TokenRecord>();
  private revisions = 0;

  async get(key: string) {
    const record = this.records.get(key);
    return record ? { ...record.token } : null;
  }
  async set(key: string, token: OAuthTokenSet) {
    this.write(key, token, null);
  }
  async delete(key: string) {
    this.records.delete(key);
  }
  async read(key: string): Promise<TokenRecord | null> {
    const record = this.records.get(key);
    return record ? { ...record, token: { ...record.token } } : null;
  }
  async replace(
    key: string,
    next: { ifRevision: string | null; token: OAuthTokenSet; refreshing: RefreshIntent | null },
  ): Promise<string | null> {
    if ((this.records.get(key)?.revision ?? null) !== next.ifRevision) return null;
    return this.write(key, next.token, next.refreshing);
  }
  private write(key: string, token: OAuthTokenSet, refreshing: RefreshIntent | null): string {
    this.revisions += 1;
    const revision = String(this.revisions);
    this.records.set(key, { token: { ...token }, refreshing, revision });
    return revision;
  }
}
