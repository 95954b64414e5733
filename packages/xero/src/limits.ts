import type { Answer, LimitRequest, Logger, RateLimiter } from '@vahub/core';

/** The remaining calls Xero reported on its last answer for a tenant. */
export interface XeroLimits {
  /** `X-MinLimit-Remaining`: calls left this minute for this organisation (of 60). */
  minuteRemaining: number | null;
  /** `X-DayLimit-Remaining`: calls left today for this organisation (of 5,000). */
  dayRemaining: number | null;
  /** `X-AppMinLimit-Remaining`: calls left this minute for the whole app (of 10,000). */
  appMinuteRemaining: number | null;
  /** When vahub read them (epoch ms). */
  seenAt: number;
}

function count(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** The limit headers of an answer, or null if it carried none. */
export function readLimits(headers: Headers, now: number): XeroLimits | null {
  const limits = {
    minuteRemaining: count(headers.get('x-minlimit-remaining')),
    dayRemaining: count(headers.get('x-daylimit-remaining')),
    appMinuteRemaining: count(headers.get('x-appminlimit-remaining')),
    seenAt: now,
  };
  const any =
    limits.minuteRemaining !== null || limits.dayRemaining !== null || limits.appMinuteRemaining !== null;
  return any ? limits : null;
}

/**
 * At most `size` holders at once per key, first come first served: Xero allows 5 calls in flight per
 * organisation, and this keeps one process from tripping that limit by itself. As a core
 * `RateLimiter` keyed by tenant id it is the pipeline's limiter when no shared (Redis) one is given.
 */
export class KeyedSemaphore implements RateLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  /** @param size places per key; Xero's per-organisation limit is 5. */
  constructor(private readonly size: number) {}

  async acquire(request: Pick<LimitRequest, 'key' | 'signal'>): Promise<() => void> {
    await this.enter(request.key, request.signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.leave(request.key);
    };
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire({ key });
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private enter(key: string, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    const n = this.active.get(key) ?? 0;
    if (n < this.size) {
      this.active.set(key, n + 1);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(key) ?? [];
      const onAbort = () => {
        const at = queue.indexOf(take);
        if (at >= 0) queue.splice(at, 1);
        reject(signal?.reason);
      };
      const take = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(take);
      this.waiting.set(key, queue);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private leave(key: string): void {
    const next = this.waiting.get(key)?.shift();
    if (next) {
      next(); // the place passes straight to the next waiter
      return;
    }
    this.waiting.delete(key);
    const n = (this.active.get(key) ?? 1) - 1;
    if (n <= 0) this.active.delete(key);
    else this.active.set(key, n);
  }
}

/**
 * The limit headers of Xero's latest answer per organisation (the pipeline's `onAnswer`), and one log
 * line per 429 naming the limit Xero says was hit.
 */
export class LimitBoard {
  private readonly byTenant = new Map<string, XeroLimits>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  readonly onAnswer = (answer: Answer, call: { operation: string; key: string }): void => {
    const limits = readLimits(answer.headers, this.now());
    if (limits) this.byTenant.set(call.key, limits);
    if (answer.status === 429) {
      this.logger.info(
        {
          operation: call.operation,
          tenantId: call.key,
          limit: answer.headers.get('x-rate-limit-problem') ?? 'unknown',
          retryAfter: answer.headers.get('retry-after'),
        },
        "Xero's rate limit was hit",
      );
    }
  };

  latest(tenantId: string): XeroLimits | null {
    return this.byTenant.get(tenantId) ?? null;
  }
}
