import { VahubError } from '@vahub/core';
import type { Redis } from 'ioredis';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS, describeRedis } from './bounded.js';

/** What vahub needs to know about a Redis before it trusts it with queues, locks and tokens. */
export interface RedisReadiness {
  version: string;
  maxmemoryPolicy: string;
  persistence: {
    /** Append-only file on: every write is logged (how often it reaches disk: `appendfsync`). */
    aof: boolean;
    /** `always`, `everysec` or `no`; null when Redis would not say (CONFIG refused by a managed service). */
    appendfsync: string | null;
    /** The `save` schedule (e.g. `3600 1 300 100`); `''` when snapshots are off; null when unknown. */
    rdbSchedule: string | null;
    lastAofWrite: string | null;
    lastRdbSave: string | null;
    /** Writes since the last snapshot: what a crash would lose without AOF. */
    rdbChangesSinceLastSave: number | null;
  };
  /** What a person should know, for `vahub doctor`: each names the risk and the fix. */
  warnings: string[];
}

/** The Redis would evict keys under memory pressure, or cannot be inspected. Not retryable: it needs a person. */
export class RedisNotReadyError extends VahubError {
  override name = 'RedisNotReadyError';
  readonly retryable = false;
}

function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return fields;
}

async function configValue(redis: Redis, name: string, ms: number): Promise<string | null> {
  // Managed services (ElastiCache, Memorystore…) may refuse CONFIG: then the value is unknown.
  try {
    const reply = (await bounded(redis.config('GET', name), {
      redis,
      what: `CONFIG GET ${name}`,
      ms,
    })) as string[];
    return reply[1] ?? null;
  } catch {
    return null;
  }
}

/** Read the eviction policy and persistence of `redis`, each wait bounded by `timeoutMs`. */
export async function inspectRedis(
  redis: Redis,
  options: { timeoutMs?: number } = {},
): Promise<RedisReadiness> {
  const ms = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const info = infoFields(await bounded(redis.info(), { redis, what: 'INFO', ms }));
  const number = (name: string) => {
    const value = info.get(name);
    return value === undefined ? null : Number(value);
  };
  const persistence: RedisReadiness['persistence'] = {
    aof: info.get('aof_enabled') === '1',
    appendfsync: await configValue(redis, 'appendfsync', ms),
    rdbSchedule: await configValue(redis, 'save', ms),
    lastAofWrite: info.get('aof_last_write_status') ?? null,
    lastRdbSave: info.get('rdb_last_bgsave_status') ?? null,
    rdbChangesSinceLastSave: number('rdb_changes_since_last_save'),
  };
  const maxmemoryPolicy = info.get('maxmemory_policy') ?? 'unknown';
  const warnings: string[] = [];
  if (!persistence.aof && persistence.rdbSchedule === '') {
    warnings.push(
      'Redis keeps nothing on disk: a restart loses the queues, cursors and OAuth tokens (the VA would have to run `vahub connect` again). Turn on the append-only file: `CONFIG SET appendonly yes` and `appendonly yes` in redis.conf',
    );
  } else if (!persistence.aof) {
    warnings.push(
      `Redis persists by snapshots only (save ${persistence.rdbSchedule ?? 'schedule unknown'}): a crash loses the writes since the last one, which may include a rotated Xero token. Prefer \`appendonly yes\` with \`appendfsync everysec\``,
    );
  } else if (persistence.appendfsync === 'no') {
    warnings.push(
      'Redis appends with `appendfsync no`: the OS decides when writes reach disk; prefer `everysec`',
    );
  }
  if (persistence.lastAofWrite === 'err' || persistence.lastRdbSave === 'err') {
    warnings.push('Redis reports its last write to disk failed: check its log and free disk space');
  }
  return { version: info.get('redis_version') ?? 'unknown', maxmemoryPolicy, persistence, warnings };
}

/**
 * Refuse a Redis that may evict keys: under memory pressure it would silently drop queued jobs,
 * locks (two holders at once) and OAuth tokens. The worker and the receiver call this at start; the
 * report it returns is what `vahub doctor` prints.
 */
export async function assertRedisReady(
  redis: Redis,
  options: { timeoutMs?: number } = {},
): Promise<RedisReadiness> {
  const report = await inspectRedis(redis, options);
  if (report.maxmemoryPolicy !== 'noeviction') {
    throw new RedisNotReadyError(
      `Redis (${describeRedis(redis)}) has maxmemory-policy "${report.maxmemoryPolicy}": it may evict queued jobs, locks and OAuth tokens when memory runs short. vahub needs "noeviction": run \`CONFIG SET maxmemory-policy noeviction\` and set \`maxmemory-policy noeviction\` in redis.conf (or the parameter group of a managed Redis) so it survives a restart`,
    );
  }
  return report;
}
