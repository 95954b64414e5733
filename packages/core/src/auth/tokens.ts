import { type Provider, ReconnectRequiredError, VahubError } from '../errors/errors.js';
import { redact, registerSecret } from '../errors/redact.js';
import { isLeaseLost, type Lease, type Lock } from './lock.js';
import { RecentRead } from './recent-read.js';
import type { TokenEvent, TokenEventBody } from './token-events.js';
import { type OAuthTokenSet, refreshLeadMs, type TokenRecord, type TokenStore } from './token-store.js';
import { UnsavedToken } from './unsaved-token.js';

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
  /**
   * Exchange a refresh token for a new token set. Throw `ReconnectRequiredError` on `invalid_grant`.
   * `signal` aborts when `refreshWindowMs` has passed: other processes stop waiting for this answer then.
   */
  refresh: (refreshToken: string, context: { signal: AbortSignal }) => Promise<OAuthTokenSet>;
  /** Refresh this long before expiry, capped at a quarter of the token's lifetime. @defaultValue 5 minutes */
  refreshAheadMs?: number;
  /**
   * How long other processes wait for a refresh that was sent to the vendor before they count its
   * answer as lost and refresh again (Xero accepts the old refresh token again for 30 minutes when
   * the new one was never used). Longer than the refresh call's own timeout. @defaultValue 60 s
   */
  refreshWindowMs?: number;
  /**
   * How long a fresh token read from the store is handed out again without reading the store (a
   * Redis round trip and a decryption per API call otherwise: a replan's calendar writes spent more
   * CPU on them than on planning). A token that another process refreshed meanwhile is still valid
   * until it expires; a rejected one (401) is never handed out again. @defaultValue 0 (every call reads)
   */
  rereadAfterMs?: number;
  /** Writes of a refreshed token tried before it is handed out unsaved and retried in the background. @defaultValue 3 */
  saveAttempts?: number;
  /** Longest wait between background writes of an unsaved token. @defaultValue 30 s */
  saveMaxDelayMs?: number;
  now?: () => number;
  /** @defaultValue setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
  log?: (event: TokenEvent) => void;
}

/** The access token the caller started from, and whether the API refused it. */
interface Seen {
  accessToken: string;
  rejected: boolean;
}

function remember(token: OAuthTokenSet): void {
  registerSecret(token.accessToken);
  registerSecret(token.refreshToken);
}

/** Re-reads of a grant that kept changing under the lock before giving up. */
const MAX_LOOKS = 10;

/**
 * Hands out a valid access token, refreshing single-flight: one refresh at a time per grant in this
 * process (a shared promise) and across processes (the lock), and never two refreshes with one
 * refresh token, which a vendor that rotates them (Xero) answers by killing the grant.
 *
 * Under the lock it re-reads the store: a token someone stored since the caller looked is taken as
 * is. Before calling the vendor it records its intent in the store (over the revision it read) and
 * checks its lease; a later holder that finds an unanswered intent waits for its answer instead of
 * refreshing again. The answer is written over the intent's revision, so it never overwrites a
 * newer grant, and if the store cannot take it, it is kept in memory and written again with
 * backoff (`flush` at shutdown) rather than lost.
 */
export class TokenManager {
  private inflight: Promise<OAuthTokenSet> | null = null;
  private unsaved: UnsavedToken | null = null;
  private readonly recent: RecentRead;
  private readonly refreshAheadMs: number;
  private readonly refreshWindowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: TokenManagerOptions) {
    this.refreshAheadMs = options.refreshAheadMs ?? 5 * 60_000;
    this.refreshWindowMs = options.refreshWindowMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.recent = new RecentRead(options.rereadAfterMs ?? 0, this.now);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Whether `token` can be handed out without refreshing: it expires later than its refresh lead. */
  private fresh(token: OAuthTokenSet): boolean {
    return token.expiresAt - this.now() > refreshLeadMs(token, this.refreshAheadMs);
  }

  /** A valid access token, refreshed first if it is within its refresh lead of expiry. */
  async accessToken(): Promise<string> {
    const held = await this.heldToken();
    if (held) return held.accessToken;
    const recent = this.recent.get((token) => this.fresh(token));
    if (recent) return recent.accessToken;
    const ticket = this.recent.begin(this.inflight !== null);
    const token = await this.options.store.get(this.options.key);
    if (!token) throw this.reconnect('getAccessToken');
    remember(token);
    if (this.fresh(token)) {
      this.recent.keep(ticket, token);
      return token.accessToken;
    }
    return (await this.refreshOnce({ accessToken: token.accessToken, rejected: false })).accessToken;
  }

  /** Refresh after the API refused `rejectedAccessToken` (a 401), unless someone already has. */
  async refreshAfterRejection(rejectedAccessToken: string): Promise<string> {
    this.recent.drop();
    return (await this.refreshOnce({ accessToken: rejectedAccessToken, rejected: true })).accessToken;
  }

  /**
   * Write a refreshed token the store could not take yet (call it before the process exits).
   * True when nothing is left unsaved.
   */
  async flush(): Promise<boolean> {
    const unsaved = this.unsaved;
    if (!unsaved) return true;
    const outcome = await unsaved.flush();
    if (outcome !== 'failed') this.settle(unsaved, outcome);
    return outcome !== 'failed';
  }

  /**
   * A refreshed token not yet in the store. While fresh it is handed out at once (the background
   * writes go on); near its expiry it is written first if it can be, and used while still valid if not.
   */
  private async heldToken(): Promise<OAuthTokenSet | null> {
    const unsaved = this.unsaved;
    if (!unsaved) return null;
    if (this.fresh(unsaved.token)) return unsaved.token;
    if (await this.flush()) return null;
    return unsaved.token.expiresAt > this.now() ? unsaved.token : null;
  }

  private settle(unsaved: UnsavedToken, outcome: 'saved' | 'superseded'): void {
    if (this.unsaved !== unsaved) return;
    this.unsaved = null;
    this.emit(outcome === 'saved' ? { event: 'token.saved_late' } : { event: 'token.superseded' });
  }

  private refreshOnce(seen: Seen): Promise<OAuthTokenSet> {
    if (!this.inflight) {
      this.inflight = this.refreshLocked(seen).finally(() => {
        this.inflight = null;
        this.recent.moveOn();
      });
    }
    return this.inflight;
  }

  private async refreshLocked(seen: Seen): Promise<OAuthTokenSet> {
    await this.flush();
    let vendorCalled = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.options.lock.withLock(tokenLockKey(this.options.key), (lease) =>
          this.refreshUnder(lease, seen, () => {
            vendorCalled = true;
          }),
        );
      } catch (err) {
        if (isLeaseLost(err)) this.emit({ event: 'token.lease_lost', beforeVendorCall: !vendorCalled });
        // Lost before the vendor was called: nothing happened, so take the lock once more (the next
        // holder has most likely refreshed by then).
        if (isLeaseLost(err) && !vendorCalled && attempt < 2) continue;
        throw err;
      }
    }
  }

  private async refreshUnder(lease: Lease, seen: Seen, calling: () => void): Promise<OAuthTokenSet> {
    const { store, key } = this.options;
    for (let look = 0; look < MAX_LOOKS; look += 1) {
      const record = await store.read(key);
      if (!record) throw this.reconnect('refreshToken');
      const current = record.token;
      remember(current);
      if (this.usable(current, seen)) return current;
      const intent = record.refreshing;
      if (intent && intent.fence !== lease.fence && intent.until > this.now()) {
        await this.waitForOtherRefresh(record, lease);
        continue;
      }
      const refreshToken = current.refreshToken;
      if (!refreshToken) throw this.reconnect('refreshToken', 'has no refresh token');
      lease.assertHeld();
      const until = this.now() + this.refreshWindowMs;
      const revision = await store.replace(key, {
        ifRevision: record.revision,
        token: current,
        refreshing: { fence: lease.fence, until },
      });
      if (revision === null) continue;
      lease.assertHeld();
      calling();
      return this.exchange({ current, refreshToken, revision, until, fence: lease.fence });
    }
    throw new VahubError(
      `the ${this.options.provider} grant "${key}" kept changing while vahub tried to refresh it; try again`,
    );
  }

  /** A stored token the caller can use instead of refreshing. */
  private usable(current: OAuthTokenSet, seen: Seen): boolean {
    // Someone refreshed since this caller looked: take their token as is, even inside its lead; but
    // not after a 401: the pipeline's one retry with it would meet a token about to expire, and a
    // second 401 reads as "reconnect" (seen on 2-second tokens at load 10).
    if (current.accessToken !== seen.accessToken) {
      return seen.rejected ? this.fresh(current) : current.expiresAt > this.now();
    }
    return !seen.rejected && this.fresh(current);
  }

  /** Another holder sent a refresh and lost its lease before recording the answer: give it until its window ends. */
  private async waitForOtherRefresh(record: TokenRecord, lease: Lease): Promise<void> {
    const intent = record.refreshing!;
    this.emit({ event: 'token.waiting_for_other_refresh', fence: intent.fence, untilMs: intent.until });
    let pause = 25;
    while (this.now() < intent.until) {
      lease.assertHeld();
      await this.sleep(Math.max(1, Math.min(pause, intent.until - this.now())));
      pause = Math.min(pause * 2, 500);
      const again = await this.options.store.read(this.options.key);
      if (again?.revision !== record.revision) return;
    }
  }

  private async exchange(input: {
    current: OAuthTokenSet;
    refreshToken: string;
    revision: string;
    until: number;
    fence: number;
  }): Promise<OAuthTokenSet> {
    const { store, key } = this.options;
    let next: OAuthTokenSet;
    try {
      const signal = AbortSignal.timeout(Math.max(1, input.until - this.now()));
      next = await this.options.refresh(input.refreshToken, { signal });
    } catch (err) {
      // No answer to wait for: withdraw the intent so the next refresher need not sit out the window.
      await store
        .replace(key, { ifRevision: input.revision, token: input.current, refreshing: null })
        .catch(() => null);
      throw err;
    }
    remember(next);
    this.emit({ event: 'token.refreshed', fence: input.fence });
    // Some providers omit the refresh token when it did not change (Google): keep the old one.
    const token: OAuthTokenSet = {
      ...next,
      refreshToken: next.refreshToken ?? input.current.refreshToken,
      issuedAt: next.issuedAt ?? this.now(),
    };
    // The vendor has rotated the grant: this token must not be lost, lease or no lease. It is written
    // over the revision that carries this refresh's intent: any other refresher writes its own intent
    // first, so a write that finds that revision still there overwrites nothing newer.
    return this.save(token, input.revision);
  }

  private async save(token: OAuthTokenSet, revision: string): Promise<OAuthTokenSet> {
    const unsaved = new UnsavedToken({
      store: this.options.store,
      key: this.options.key,
      token,
      ifRevision: revision,
      attempts: this.options.saveAttempts,
      maxDelayMs: this.options.saveMaxDelayMs,
      sleep: this.sleep,
      onFailure: ({ attempt, retryInMs, error }) =>
        this.emit({
          event: 'token.save_failed',
          attempt,
          retryInMs,
          error: error instanceof Error ? redact(`${error.name}: ${error.message}`).slice(0, 300) : 'unknown',
        }),
    });
    const outcome = await unsaved.save();
    if (outcome === 'saved') return token;
    if (outcome === 'superseded') {
      this.emit({ event: 'token.superseded' });
      const stored = await this.options.store.get(this.options.key);
      if (!stored) throw this.reconnect('refreshToken');
      return stored;
    }
    this.unsaved?.cancel();
    this.unsaved = unsaved;
    unsaved.retryInBackground((settled) => this.settle(unsaved, settled));
    return token;
  }

  private reconnect(operation: string, why?: string): ReconnectRequiredError {
    const { provider } = this.options;
    return new ReconnectRequiredError({
      provider,
      operation,
      ...(why ? { message: `the ${provider} grant ${why}: run \`vahub connect ${provider}\`` } : {}),
    });
  }

  private emit(event: TokenEventBody): void {
    this.options.log?.({ provider: this.options.provider, key: this.options.key, ...event });
  }
}
