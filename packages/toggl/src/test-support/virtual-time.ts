/**
 * A clock for concurrent callers that wait only through `sleep` (retries, rate limiter holds): once
 * every caller still running is asleep, time jumps to the earliest wake-up and wakes that one sleeper
 * alone. Seconds of `Retry-After` cost nothing, and the interleaving is the same on every run.
 */
export class VirtualTime {
  private sleepers: { at: number; order: number; wake: () => void }[] = [];
  private running = 0;
  private order = 0;

  constructor(public current: number) {}

  readonly now = (): number => this.current;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((wake) => {
      this.sleepers.push({ at: this.current + ms, order: this.order++, wake });
      this.advance();
    });

  /** Start every caller at once and settle when all have finished. */
  run<T>(callers: readonly (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
    this.running += callers.length;
    return Promise.allSettled(
      callers.map(async (caller) => {
        try {
          return await caller();
        } finally {
          this.running -= 1;
          this.advance();
        }
      }),
    );
  }

  private advance(): void {
    if (this.running === 0 || this.sleepers.length < this.running) return;
    this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
    const next = this.sleepers.shift();
    if (!next) return;
    this.current = Math.max(this.current, next.at);
    next.wake();
  }
}
