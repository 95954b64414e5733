import { performance } from 'node:perf_hooks';
import { type Lease, LeaseLostError } from '@vahub/core';

export type LeaseEvent = 'acquired' | 'renewed' | 'lost';

export interface RedisLeaseInit {
  key: string;
  fence: number;
  ttlMs: number;
  /** `performance.now()` when the command that took the lock was sent: the lease counts from then. */
  sentAt: number;
  /** Extend the lease in Redis, waiting at most `ms`: true if extended, false if the key is gone or someone else's; throws if Redis did not answer. */
  renew: (ms: number) => Promise<boolean>;
  commandTimeoutMs: number;
  onLease?: ((event: LeaseEvent, key: string) => void) | undefined;
}

/**
 * A lease on a Redis lock, valid until a local deadline: the send time of the last command that set
 * or extended it, plus the TTL, minus an allowance for clock drift. Counting from the send time (not
 * the answer) errs on the safe side; measuring with the monotonic clock makes a paused process see,
 * when it wakes, that its lease ran out while it slept. Renewed every third of the TTL; lost when
 * Redis says the key is gone or someone else's, or when the deadline passes without a renewal.
 */
export class RedisLease implements Lease {
  readonly key: string;
  readonly fence: number;
  private readonly controller = new AbortController();
  private validUntil: number;
  private renewing = false;
  private ended = false;
  private readonly renewal: NodeJS.Timeout;
  private expiry: NodeJS.Timeout | undefined;

  constructor(private readonly init: RedisLeaseInit) {
    this.key = init.key;
    this.fence = init.fence;
    this.validUntil = this.deadlineFrom(init.sentAt);
    this.renewal = setInterval(() => void this.renew(), Math.max(10, Math.floor(init.ttlMs / 3)));
    this.armExpiry();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  assertHeld(): void {
    if (!this.controller.signal.aborted && performance.now() >= this.validUntil) this.lose('expired');
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
  }

  /** Stop renewing: the work is over (the lock itself is released by `RedisLock`). */
  end(): void {
    this.ended = true;
    clearInterval(this.renewal);
    clearTimeout(this.expiry);
  }

  private deadlineFrom(sentAt: number): number {
    return sentAt + this.init.ttlMs - Math.max(2, Math.ceil(this.init.ttlMs / 100));
  }

  private armExpiry(): void {
    clearTimeout(this.expiry);
    this.expiry = setTimeout(
      () => {
        if (this.ended) return;
        if (performance.now() >= this.validUntil) this.lose('expired');
        else this.armExpiry();
      },
      Math.max(0, this.validUntil - performance.now()),
    );
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.ended || this.controller.signal.aborted) return;
    const sentAt = performance.now();
    if (sentAt >= this.validUntil) return this.lose('expired');
    this.renewing = true;
    try {
      const renewed = await this.init.renew(Math.min(this.init.commandTimeoutMs, this.validUntil - sentAt));
      if (this.ended || this.controller.signal.aborted) return;
      if (!renewed) return this.lose('taken');
      this.validUntil = this.deadlineFrom(sentAt);
      this.armExpiry();
      this.init.onLease?.('renewed', this.key);
    } catch {
      // Redis did not answer: try again at the next tick; the expiry timer decides when it is lost.
    } finally {
      this.renewing = false;
    }
  }

  private lose(reason: 'expired' | 'taken'): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(new LeaseLostError(this.key, reason));
    clearInterval(this.renewal);
    clearTimeout(this.expiry);
    this.init.onLease?.('lost', this.key);
  }
}
