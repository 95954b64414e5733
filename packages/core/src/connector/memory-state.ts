import type { StateStore } from './descriptor.js';

/**
 * A `StateStore` in this process's memory: for tests, and for a single-process run (the CLI) where no
 * Redis store is handed in. Expiry is read against `now`, so tests move a clock instead of waiting.
 */
export class MemoryStateStore implements StateStore {
  private readonly values = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    this.values.set(key, { value, expiresAt: this.expiry(options.ttlMs) });
  }

  async setIfAbsent(key: string, value: string, options: { ttlMs?: number } = {}): Promise<boolean> {
    if (this.live(key)) return false;
    await this.set(key, value, options);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.values.keys()].filter((k) => k.startsWith(prefix) && this.live(k));
  }

  private live(key: string) {
    const found = this.values.get(key);
    if (found && found.expiresAt <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return found;
  }

  private expiry(ttlMs: number | undefined): number {
    return ttlMs === undefined ? Number.POSITIVE_INFINITY : this.now() + ttlMs;
  }
}
