/** One request about to be sent, as a rate limiter sees it. */
export interface LimitRequest {
  provider: string;
  /** What the vendor counts limits by: a tenant, a token's hash. `default` when the call names none. */
  key: string;
  operation: string;
  signal?: AbortSignal | undefined;
}

/** What the vendor said about its limits on one answer (the headers carry Xero's and Toggl's counters). */
export interface LimitAnswer {
  provider: string;
  key: string;
  status: number;
  headers: Headers;
}

/**
 * Client-side rate limiting, per provider and key. The jobs package's limiter holds across worker
 * processes in Redis; in-process ones serve tests and the CLI.
 */
export interface RateLimiter {
  /**
   * Wait for a place for one request and resolve with its release (call it when the answer has been
   * read). Throws a retryable `rate_limited` ConnectorError with `retryAfterMs` when the wait would
   * be longer than a call should block.
   */
  acquire(request: LimitRequest): Promise<() => void>;
  /** Learn from the vendor's own limit headers. */
  observe?(answer: LimitAnswer): void;
}

/** No limits: every request goes at once. */
export const unlimited: RateLimiter = { acquire: async () => () => undefined };
