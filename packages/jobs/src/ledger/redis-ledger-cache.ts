import type { LedgerCache, PeriodDraft } from '@vahub/core';
import type { Redis } from 'ioredis';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';

export interface RedisLedgerCacheOptions {
  redis: Redis;
  /** Key prefix shared by this installation. @defaultValue "vahub" */
  prefix?: string;
  /** How long a period's drafts are trusted without an invoice event. @defaultValue 10 minutes */
  ttlMs?: number;
  /** How long to wait for Redis per call. @defaultValue 5_000 */
  timeoutMs?: number;
}

/**
 * Core's `LedgerCache` in Redis: one JSON value per client and period
 * (`<prefix>:ledger:<client>:<period key>`), with an expiry, and a set of each client's cached
 * periods so `drop(client)` forgets them all. A cache only: a flush loses nothing, the ledger is
 * read again from the invoicing app.
 */
export class RedisLedgerCache implements LedgerCache {
  private readonly base: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: RedisLedgerCacheOptions) {
    this.base = `${options.prefix ?? 'vahub'}:ledger:`;
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  }

  private key(clientId: string, periodKey: string): string {
    return `${this.base}${clientId}:${periodKey}`;
  }

  private index(clientId: string): string {
    return `${this.base}${clientId}`;
  }

  async get(clientId: string, periodKey: string): Promise<PeriodDraft[] | null> {
    const text = await this.wait(this.options.redis.get(this.key(clientId, periodKey)), 'GET ledger');
    if (text === null) return null;
    try {
      return JSON.parse(text) as PeriodDraft[];
    } catch {
      return null; // an unreadable copy is a miss: the app is read again
    }
  }

  async set(clientId: string, periodKey: string, drafts: PeriodDraft[]): Promise<void> {
    const key = this.key(clientId, periodKey);
    const multi = this.options.redis
      .multi()
      .set(key, JSON.stringify(drafts), 'PX', this.ttlMs)
      .sadd(this.index(clientId), key)
      .pexpire(this.index(clientId), this.ttlMs);
    await this.wait(multi.exec(), 'SET ledger');
  }

  async drop(clientId: string, periodKey?: string): Promise<void> {
    const redis = this.options.redis;
    if (periodKey !== undefined) {
      await this.wait(redis.del(this.key(clientId, periodKey)), 'DEL ledger');
      return;
    }
    const keys = await this.wait(redis.smembers(this.index(clientId)), 'SMEMBERS ledger');
    await this.wait(redis.del(this.index(clientId), ...keys), 'DEL ledger');
  }

  private wait<T>(promise: Promise<T>, what: string): Promise<T> {
    return bounded(promise, { ms: this.timeoutMs, what, redis: this.options.redis });
  }
}
