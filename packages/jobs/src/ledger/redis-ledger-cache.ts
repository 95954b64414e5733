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

/** Longer than any read of the app can take: a version key outlives every read that noted it. */
const VERSION_TTL_MS = 24 * 60 * 60_000;

/**
 * KEYS: the period's copy, the client's index, its version; ARGV: the drafts' JSON, the time to live,
 * the version the reader noted ('' for none). Writes only if the version is still the one noted.
 */
const SET_IF_VERSION = `
if ARGV[3] ~= '' and (redis.call('GET', KEYS[3]) or '0') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

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

  private versionKey(clientId: string): string {
    return `${this.base}version:${clientId}`;
  }

  async version(clientId: string): Promise<string> {
    return (await this.wait(this.options.redis.get(this.versionKey(clientId)), 'GET ledger version')) ?? '0';
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

  async set(clientId: string, periodKey: string, drafts: PeriodDraft[], version?: string): Promise<void> {
    const keys = [this.key(clientId, periodKey), this.index(clientId), this.versionKey(clientId)];
    const args = [JSON.stringify(drafts), this.ttlMs, version ?? ''];
    await this.wait(this.options.redis.eval(SET_IF_VERSION, keys.length, ...keys, ...args), 'SET ledger');
  }

  async drop(clientId: string, periodKey?: string): Promise<void> {
    const redis = this.options.redis;
    const version = this.versionKey(clientId);
    const bump = redis.multi().incr(version).pexpire(version, VERSION_TTL_MS);
    if (periodKey !== undefined) {
      await this.wait(bump.del(this.key(clientId, periodKey)).exec(), 'DEL ledger');
      return;
    }
    const keys = await this.wait(redis.smembers(this.index(clientId)), 'SMEMBERS ledger');
    await this.wait(bump.del(this.index(clientId), ...keys).exec(), 'DEL ledger');
  }

  private wait<T>(promise: Promise<T>, what: string): Promise<T> {
    return bounded(promise, { ms: this.timeoutMs, what, redis: this.options.redis });
  }
}
