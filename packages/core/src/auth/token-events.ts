import type { Provider } from '../errors/errors.js';

export type TokenEventBody =
  /** The vendor answered a refresh (made under the lease with this fence). */
  | { event: 'token.refreshed'; fence: number }
  /** Another holder's refresh (`fence`) is at the vendor unanswered: waiting for it until `untilMs` (epoch ms). */
  | { event: 'token.waiting_for_other_refresh'; fence: number; untilMs: number }
  /** The lock lease was lost; before the vendor call the refresh is tried once more, after it the answer is kept. */
  | { event: 'token.lease_lost'; beforeVendorCall: boolean }
  /** A refreshed token could not be written; it is kept in memory and written again in `retryInMs`. */
  | { event: 'token.save_failed'; attempt: number; retryInMs: number | null; error: string }
  /** A refreshed token kept in memory reached the store. */
  | { event: 'token.saved_late' }
  /** A refreshed token was dropped: the store holds a grant written since (a reconnect, a later refresh). */
  | { event: 'token.superseded' };

/** One structured event of the token manager, for logs. Never carries a token. */
export type TokenEvent = { provider: Provider; key: string } & TokenEventBody;
