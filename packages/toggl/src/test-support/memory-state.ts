import type { StateStore } from '@vahub/core';

/** core's `StateStore` in memory, for tests: what the jobs package keeps in Redis. TTLs are ignored. */
export class MemoryStateStore implements StateStore {
  readonly values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async setIfAbsent(key: string, value: string): Promise<boolean> {
    if (this.values.has(key)) return false;
    this.values.set(key, value);
    return true;
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
  async keys(prefix: string): Promise<string[]> {
    return [...this.values.keys()].filter((k) => k.startsWith(prefix));
  }
}
