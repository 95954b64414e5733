import type { StateStore } from '@vahub/core';
import type { Redis } from 'ioredis';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';
import { decrypt, encrypt } from '../stores/encryption.js';

export interface RedisStateStoreOptions {
  redis: Redis;
  /** Key prefix shared by this installation. @defaultValue "vahub" */
  prefix?: string;
  /**
   * Seal every value with AES-256-GCM under this key (see `encryptionKeyFrom`): connectors keep
   * webhook HMAC secrets here. Without it values are stored as given.
   */
  encryptionKey?: Buffer;
  /** How long to wait for Redis per call. @defaultValue 5_000 */
  timeoutMs?: number;
}

/** Glob characters of a SCAN pattern, escaped so a key prefix matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Core's `StateStore` over Redis: a connector's small durable state (webhook secrets, channel tokens). */
export class RedisStateStore implements StateStore {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: RedisStateStoreOptions) {
    this.base = `${options.prefix ?? 'vahub'}:state:`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  }

  async get(key: string): Promise<string | null> {
    const redisKey = this.base + key;
    const stored = await this.wait(this.options.redis.get(redisKey), `GET ${key}`);
    if (stored === null) return null;
    return this.options.encryptionKey ? decrypt(this.options.encryptionKey, stored, redisKey) : stored;
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    const redisKey = this.base + key;
    const sealed = this.seal(redisKey, value);
    const write =
      options.ttlMs === undefined
        ? this.options.redis.set(redisKey, sealed)
        : this.options.redis.set(redisKey, sealed, 'PX', ttl(options.ttlMs));
    await this.wait(write, `SET ${key}`);
  }

  async setIfAbsent(key: string, value: string, options: { ttlMs?: number } = {}): Promise<boolean> {
    const redisKey = this.base + key;
    const sealed = this.seal(redisKey, value);
    const write =
      options.ttlMs === undefined
        ? this.options.redis.set(redisKey, sealed, 'NX')
        : this.options.redis.set(redisKey, sealed, 'PX', ttl(options.ttlMs), 'NX');
    return (await this.wait(write, `SET NX ${key}`)) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.wait(this.options.redis.del(this.base + key), `DEL ${key}`);
  }

  /** The keys under `prefix`, without the store's own prefix. SCAN reads one node of a cluster only. */
  async keys(prefix: string): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.wait(
        this.options.redis.scan(cursor, 'MATCH', `${escapeGlob(this.base + prefix)}*`, 'COUNT', 500),
        `SCAN ${prefix}`,
      );
      for (const k of batch) found.add(k.slice(this.base.length));
      cursor = next;
    } while (cursor !== '0');
    return [...found].sort();
  }

  private seal(redisKey: string, value: string): string {
    return this.options.encryptionKey ? encrypt(this.options.encryptionKey, value, redisKey) : value;
  }

  private wait<T>(work: Promise<T>, what: string): Promise<T> {
    return bounded(work, { ms: this.timeoutMs, what });
  }
}

function ttl(ms: number): number {
  if (!Number.isFinite(ms) || ms < 1)
    throw new RangeError(`ttlMs must be a positive number of ms, got ${ms}`);
  return Math.ceil(ms);
}
