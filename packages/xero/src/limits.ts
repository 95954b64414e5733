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

function count(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** The limit headers of an answer (lower-cased names), or null if it carried none. */
export function readLimits(headers: Record<string, string>, now: number): XeroLimits | null {
  const limits = {
    minuteRemaining: count(headers['x-minlimit-remaining']),
    dayRemaining: count(headers['x-daylimit-remaining']),
    appMinuteRemaining: count(headers['x-appminlimit-remaining']),
    seenAt: now,
  };
  const any =
    limits.minuteRemaining !== null || limits.dayRemaining !== null || limits.appMinuteRemaining !== null;
  return any ? limits : null;
}

/**
 * At most `size` holders at once per key, first come first served. Xero allows 5 calls in flight
 * per organisation; this keeps one process from tripping that limit by itself. (Across processes the
 * jobs package's Redis limiter decides.)
 */
export class KeyedSemaphore {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly size: number) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await fn();
    } finally {
      this.release(key);
    }
  }

  private acquire(key: string): Promise<void> {
    const n = this.active.get(key) ?? 0;
    if (n < this.size) {
      this.active.set(key, n + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(resolve);
      this.waiting.set(key, queue);
    });
  }

  private release(key: string): void {
    const next = this.waiting.get(key)?.shift();
    if (next) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    this.waiting.delete(key);
    const n = (this.active.get(key) ?? 1) - 1;
    if (n <= 0) this.active.delete(key);
    else this.active.set(key, n);
  }
}
