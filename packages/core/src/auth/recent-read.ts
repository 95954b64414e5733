import type { OAuthTokenSet } from './token-store.js';

/**
 * The fresh token last read from the store, handed out again for `ttlMs` without reading the store (a
 * Redis round trip and a decryption per API call otherwise). A read that a refresh or a 401 overlapped
 * may return the token being replaced, so it is not kept: every such event moves the epoch on, and a
 * read is kept only if the epoch it started under still holds.
 */
export class RecentRead {
  private last: { token: OAuthTokenSet; at: number } | null = null;
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The token read within `ttlMs`, if `fresh` still holds for it. */
  get(fresh: (token: OAuthTokenSet) => boolean): OAuthTokenSet | null {
    const last = this.last;
    return last && this.now() - last.at < this.ttlMs && fresh(last.token) ? last.token : null;
  }

  /** A ticket for a read about to start; `busy` (a refresh in flight) makes one that is never kept. */
  begin(busy: boolean): { epoch: number; at: number } {
    return { epoch: busy ? -1 : this.epoch, at: this.now() };
  }

  /** Keep what the read of `ticket` returned, unless a refresh or a rejection came since it began. */
  keep(ticket: { epoch: number; at: number }, token: OAuthTokenSet): void {
    if (ticket.epoch === this.epoch) this.last = { token, at: ticket.at };
  }

  /** A refresh ended: reads it overlapped are not kept; the token held is still valid until it expires. */
  moveOn(): void {
    this.epoch += 1;
  }

  /** The API refused a token: hand out nothing held, and keep no read that was under way. */
  drop(): void {
    this.epoch += 1;
    this.last = null;
  }
}
