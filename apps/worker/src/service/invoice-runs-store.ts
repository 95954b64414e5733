import { bounded } from '@vahub/jobs';
import type { Redis } from 'ioredis';
import type { CompletedRuns } from '../flows/coalesced-run.js';

/** How long a complete run is remembered: asks older than a day are not held back in queues. */
const KEPT_MS = 86_400_000;

/**
 * Keep the later of the stored and the given read time under `KEYS[1]` (epoch ms, `ARGV[1]`) and
 * renew its expiry (`ARGV[2]` ms): a run that finishes after a later one never moves the mark back.
 */
const RECORD_SCRIPT = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
local at = tonumber(ARGV[1])
if at > cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;

/**
 * The flows' `CompletedRuns` (`flows/coalesced-run.ts`) in Redis: when the latest complete invoice run of each client's period began
 * reading its entries (`<prefix>:invoice-read:<period key>`, epoch ms, kept a day). Losing it (a flush)
 * only makes the next runs read the period again.
 */
export class RedisCompletedRuns implements CompletedRuns {
  private readonly base: string;

  constructor(private readonly options: { redis: Redis; prefix?: string; timeoutMs?: number }) {
    this.base = `${options.prefix ?? 'vahub'}:invoice-read:`;
  }

  async readAt(periodKey: string): Promise<number | null> {
    const raw = await bounded(this.options.redis.get(this.base + periodKey), this.opts('reading'));
    const at = raw === null ? Number.NaN : Number(raw);
    return Number.isFinite(at) ? at : null;
  }

  async record(periodKey: string, readAt: number): Promise<void> {
    const redis = this.options.redis;
    await bounded(
      redis.eval(RECORD_SCRIPT, 1, this.base + periodKey, String(readAt), String(KEPT_MS)),
      this.opts('writing'),
    );
  }

  private opts(what: string) {
    return {
      ms: this.options.timeoutMs ?? 5_000,
      what: `${what} the last complete invoice run`,
      redis: this.options.redis,
    };
  }
}
