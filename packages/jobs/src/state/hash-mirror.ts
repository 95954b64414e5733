import { VahubError } from '@vahub/core';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';

/** A mirror's contents could not be read: rebuilding it (the reconcile job) fixes it. */
export class MirrorUnreadableError extends VahubError {
  override name = 'MirrorUnreadableError';
}

/** A snapshot's stamp: when the mirror was last read in full from the app, and what it covered. */
export interface MirrorStamp {
  syncedAt: number;
  /** What the full read covered, e.g. a busy-time window; free-form. */
  covers: Record<string, string> | null;
}

export interface HashMirrorOptions<T> {
  redis: Redis;
  /** The Redis key of the items; the stamp lives beside it. Give it a `{hash tag}` for Redis Cluster. */
  key: string;
  schema: z.ZodType<T>;
  /** What names an item (a task id, a calendar event id). */
  what: string;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * A copy of some of an app's records in one Redis hash (id → JSON), with a stamp of the last full
 * read. Writes of single items keep it current between full reads; a full read replaces it whole,
 * atomically, so a reader never sees half of one.
 */
export class HashMirror<T> {
  private readonly stampKey: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: HashMirrorOptions<T>) {
    this.stampKey = `${options.key}:stamp`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  async put(items: ReadonlyArray<{ id: string; item: T }>): Promise<void> {
    if (items.length === 0) return;
    // Items are typed and were checked where they entered vahub (a connector's read): written as they
    // are. What is read back is still checked (`decode`), so a hand-edited hash cannot go unnoticed.
    const fields = items.flatMap(({ id, item }) => [id, JSON.stringify(item)]);
    await this.wait(this.options.redis.hset(this.options.key, ...fields), 'write');
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.wait(this.options.redis.hdel(this.options.key, ...ids), 'remove');
  }

  /** Replace everything with a full read of the app, and stamp it. */
  async replace(
    items: ReadonlyArray<{ id: string; item: T }>,
    covers: Record<string, string> | null = null,
  ): Promise<void> {
    const stamp: MirrorStamp = { syncedAt: this.now(), covers };
    const multi = this.options.redis.multi().del(this.options.key);
    if (items.length > 0) {
      multi.hset(this.options.key, ...items.flatMap(({ id, item }) => [id, JSON.stringify(item)]));
    }
    multi.set(this.stampKey, JSON.stringify(stamp));
    const results = await this.wait(multi.exec(), 'replace');
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw new VahubError(`the ${this.options.what} mirror could not be replaced`);
  }

  async get(id: string): Promise<T | null> {
    const raw = await this.wait(this.options.redis.hget(this.options.key, id), 'read');
    return raw === null ? null : this.decode(id, raw);
  }

  async list(): Promise<T[]> {
    const all = await this.wait(this.options.redis.hgetall(this.options.key), 'read');
    return Object.entries(all)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, raw]) => this.decode(id, raw));
  }

  /** The last full read; null when there was none (a replan then reads the app instead). */
  async stamp(): Promise<MirrorStamp | null> {
    const raw = await this.wait(this.options.redis.get(this.stampKey), 'read');
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as MirrorStamp;
    } catch {
      return null;
    }
  }

  async clear(): Promise<void> {
    await this.wait(this.options.redis.del(this.options.key, this.stampKey), 'clear');
  }

  private decode(id: string, raw: string): T {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = this.options.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new MirrorUnreadableError(
      `the mirrored ${this.options.what} ${id} cannot be read (${parsed.error.issues[0]?.path.join('.') || 'not JSON'}): run the reconcile job to rebuild the mirror`,
    );
  }

  private wait<R>(work: Promise<R>, verb: string): Promise<R> {
    return bounded(work, { ms: this.timeoutMs, what: `a ${this.options.what} mirror ${verb}` });
  }
}
