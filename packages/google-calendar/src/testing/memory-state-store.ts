import type { StateStore } from '@vahub/core';

/**
 * A `StateStore` in memory, with expiry on an injectable clock: for tests and the demo. The service
 * uses the jobs package's Redis one, which holds across processes.
 */
export class MemoryStateStore implements StateStore {
  private readonly values = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    this.values.set(key, { value, expiresAt: this.now() + (options.ttlMs ?? Number.POSITIVE_INFINITY) });
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
    return [...this.values.keys()].filter((key) => key.startsWith(prefix) && this.live(key));
  }

  private live(key: string) {
    const entry = this.values.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry;
    this.values.delete(key);
    return undefined;
  }
}
