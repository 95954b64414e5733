import type { Redis } from 'ioredis';
import { z } from 'zod';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';

export interface CursorStoreOptions {
  redis: Redis;
  /** @defaultValue "vahub" */
  prefix?: string;
  /** @defaultValue 5_000 */
  timeoutMs?: number;
  now?: () => number;
}

/** A sync cursor and when it was saved. */
export interface SyncCursor {
  /** Opaque to vahub: an events sync token, a calendar `syncToken`, a `since` instant. */
  cursor: string;
  /** Epoch ms of the save: how stale a sweep's view is. */
  savedAt: number;
}

const stored = z.object({ cursor: z.string(), savedAt: z.number() });

/**
 * Where each sweep left off, per provider and scope (a client, a project, a calendar). One Redis
 * hash per provider. Losing it costs a full read (the reconcile job), never a duplicate.
 */
export class CursorStore {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CursorStoreOptions) {
    this.prefix = `${options.prefix ?? 'vahub'}:cursors:`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  async get(provider: string, scope: string): Promise<SyncCursor | null> {
    const raw = await bounded(this.options.redis.hget(this.prefix + provider, scope), {
      ms: this.timeoutMs,
      what: `the ${provider} cursor of ${scope}`,
    });
    return raw === null ? null : read(raw);
  }

  async set(provider: string, scope: string, cursor: string): Promise<void> {
    const value = JSON.stringify({ cursor, savedAt: this.now() } satisfies SyncCursor);
    await bounded(this.options.redis.hset(this.prefix + provider, scope, value), {
      ms: this.timeoutMs,
      what: `saving the ${provider} cursor of ${scope}`,
    });
  }

  async delete(provider: string, scope: string): Promise<void> {
    await bounded(this.options.redis.hdel(this.prefix + provider, scope), {
      ms: this.timeoutMs,
      what: `deleting the ${provider} cursor of ${scope}`,
    });
  }

  /** Every cursor of a provider, by scope. */
  async list(provider: string): Promise<Record<string, SyncCursor>> {
    const all = await bounded(this.options.redis.hgetall(this.prefix + provider), {
      ms: this.timeoutMs,
      what: `the ${provider} cursors`,
    });
    const out: Record<string, SyncCursor> = {};
    for (const [scope, raw] of Object.entries(all)) {
      const cursor = read(raw);
      if (cursor) out[scope] = cursor;
    }
    return out;
  }
}

/** An unreadable entry is no cursor: the sweep starts over from a full read, which is always safe. */
function read(raw: string): SyncCursor | null {
  try {
    const parsed = stored.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
