import { VahubError } from '../errors/errors.js';

/**
 * What a holder of a `Lock` gets: proof of holding it, good until it is lost. A lease is lost when
 * it runs out unrenewed (Redis unreachable, or the process paused longer than the lease) or someone
 * deleted or took over the key. Work under a lease checks it right before each side effect, so
 * work whose lease was lost stops before its next effect instead of running beside the next holder.
 */
export interface Lease {
  /** The lock key, as given to `withLock`. */
  readonly key: string;
  /**
   * Fencing token: larger for every later holder of the same key (`RedisLock` keeps it increasing
   * across Redis restarts too). Record it beside what the work writes, and refuse writes from a
   * smaller one, where the written-to system allows a conditional write.
   */
  readonly fence: number;
  /** Aborted, with a `LeaseLostError` as its reason, the moment the lease is known lost. Pass it to cancellable work. */
  readonly signal: AbortSignal;
  /** Throws `LeaseLostError` unless the lease is still certainly held. Call it right before each side effect. */
  assertHeld(): void;
}

/** A mutual-exclusion lock by key. The Redis one holds across processes; `MemoryLock` within one. */
export interface Lock {
  /** Run `fn` while holding `key`, one holder at a time. `fn` gets the lease to check before its side effects. */
  withLock<T>(key: string, fn: (lease: Lease) => Promise<T>): Promise<T>;
}

/**
 * Work stopped because its lock lease was lost: another process may hold the lock now. Nothing was
 * done after the check that threw it, so running the work again later is safe: retryable.
 */
export class LeaseLostError extends VahubError {
  override name = 'LeaseLostError';
  readonly retryable = true;
  constructor(
    readonly key: string,
    /** Why: `expired` (not renewed in time: Redis unreachable or the process paused) or `taken` (the key was deleted or another holder has it). */
    readonly reason: 'expired' | 'taken',
  ) {
    super(
      `the lock "${key}" was lost (${
        reason === 'expired'
          ? 'its lease ran out before it could be renewed: Redis unreachable or this process paused'
          : 'the lock key was deleted or another holder took it'
      }); the work stopped before its next side effect and can be retried`,
    );
  }
}

export function isLeaseLost(err: unknown): err is LeaseLostError {
  return (
    err instanceof LeaseLostError ||
    (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'LeaseLostError')
  );
}

/** A process-local lock: its leases are never lost, so their signal never aborts. */
export class MemoryLock implements Lock {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly fences = new Map<string, number>();

  async withLock<T>(key: string, fn: (lease: Lease) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const enter = () => {
      const fence = (this.fences.get(key) ?? 0) + 1;
      this.fences.set(key, fence);
      return fn({ key, fence, signal: new AbortController().signal, assertHeld: () => {} });
    };
    const run = previous.then(enter, enter);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
