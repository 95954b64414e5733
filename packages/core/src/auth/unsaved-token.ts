import type { OAuthTokenSet, TokenStore } from './token-store.js';

export type SaveOutcome = 'saved' | 'superseded' | 'failed';

export interface UnsavedTokenOptions {
  store: TokenStore;
  key: string;
  token: OAuthTokenSet;
  /** The revision that carries this refresh's intent: the token is written over it and nothing else. */
  ifRevision: string;
  /** Writes tried before the token is handed out unsaved. @defaultValue 3 */
  attempts?: number;
  /** First wait between writes, doubled after each failure. @defaultValue 100 */
  baseDelayMs?: number;
  /** Longest wait between background writes. @defaultValue 30_000 */
  maxDelayMs?: number;
  sleep: (ms: number) => Promise<void>;
  onFailure?: (info: { attempt: number; retryInMs: number | null; error: unknown }) => void;
}

/**
 * A refreshed token the store has not taken yet. Once a vendor that rotates refresh tokens (Xero)
 * has answered, the old refresh token is dead and this one is the grant: losing it means the VA
 * reconnects. So it is written again with bounded backoff until the store takes it, and handed out
 * from memory meanwhile. The write is conditional on the revision of the refresh's own intent, so
 * it never overwrites a grant someone stored since (that one is newer): the outcome is then
 * `superseded` and this token is dropped.
 */
export class UnsavedToken {
  readonly token: OAuthTokenSet;
  private outcome: 'saved' | 'superseded' | null = null;
  private writing: Promise<SaveOutcome> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: UnsavedTokenOptions) {
    this.token = options.token;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
  }

  get settled(): boolean {
    return this.outcome !== null;
  }

  /** One write, shared by concurrent callers so two writes over the same revision never race. */
  flush(): Promise<SaveOutcome> {
    if (this.outcome) return Promise.resolve(this.outcome);
    if (!this.writing) {
      this.writing = this.write().finally(() => {
        this.writing = null;
      });
    }
    return this.writing;
  }

  /** Write now, trying `attempts` times with backoff; `failed` leaves the token unsaved. */
  async save(): Promise<SaveOutcome> {
    const attempts = this.options.attempts ?? 3;
    for (;;) {
      const outcome = await this.flush();
      if (outcome !== 'failed' || this.attempt >= attempts) return outcome;
      await this.options.sleep(this.delay());
    }
  }

  /** Keep writing in the background (timers that do not hold the process open) until settled. */
  retryInBackground(onSettled: (outcome: 'saved' | 'superseded') => void): void {
    const next = () => {
      this.timer = setTimeout(async () => {
        const outcome = await this.flush();
        if (outcome === 'failed') next();
        else onSettled(outcome);
      }, this.delay());
      this.timer.unref?.();
    };
    next();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private delay(): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, this.attempt - 1));
  }

  private async write(): Promise<SaveOutcome> {
    const { store, key, token, ifRevision } = this.options;
    this.attempt += 1;
    try {
      const revision = await store.replace(key, { ifRevision, token, refreshing: null });
      // A write that timed out may still have landed later (a queued Redis command): then the
      // revision moved on to this very token.
      const stored = revision === null ? (await store.read(key))?.token : undefined;
      const landed = stored?.accessToken === token.accessToken && stored.refreshToken === token.refreshToken;
      this.outcome = revision !== null || landed ? 'saved' : 'superseded';
      this.cancel();
      return this.outcome;
    } catch (error) {
      this.options.onFailure?.({ attempt: this.attempt, retryInMs: this.delay(), error });
      return 'failed';
    }
  }
}
