import type { TimeEntry } from '@vahub/core';
import { bounded } from '@vahub/jobs';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** Where a client's retainer stands: under 80 % used, at 80 % or more, at 100 % or more. */
export type RetainerFlag = 'ok' | 'near' | 'over';

/** A client's time not yet invoiced in the current billing period, kept current by time-entry events. */
export interface UnbilledSummary {
  clientId: string;
  /** The period's first and last local date, in the client's zone. */
  period: { firstDate: string; lastDate: string };
  /** Billable hours not yet tagged as invoiced, 2 decimals. */
  hours: string;
  /** What the draft would come to now (before tax), in the client's currency; "0" with nothing to bill. */
  amount: string;
  currency: string;
  /** Share of the retainer's included hours used (0–∞), null without a retainer. */
  retainerUsed: number | null;
  flag: RetainerFlag;
  updatedAt: string;
}

const summarySchema = z.object({
  clientId: z.string(),
  period: z.object({ firstDate: z.string(), lastDate: z.string() }),
  hours: z.string(),
  amount: z.string(),
  currency: z.string(),
  retainerUsed: z.number().nullable(),
  flag: z.enum(['ok', 'near', 'over']),
  updatedAt: z.string(),
}) satisfies z.ZodType<UnbilledSummary>;

/** The flag for a share of the retainer used. */
export function retainerFlag(used: number | null): RetainerFlag {
  if (used === null) return 'ok';
  if (used >= 1) return 'over';
  if (used >= 0.8) return 'near';
  return 'ok';
}

/** When a client's kept entries were last counted in full from the source, and for which period. */
export interface CountedRecord {
  /** The first date of the period the kept entries are of. */
  firstDate: string;
  /** Epoch ms of the full count. */
  countedAt: number;
  /** An entry of its workspace could not be placed: a full count is due (throttled). */
  dirty: boolean;
}

const countedSchema = z.object({
  firstDate: z.string(),
  countedAt: z.number(),
  dirty: z.boolean(),
}) satisfies z.ZodType<CountedRecord>;

/** One entry change for a client's kept entries: the entry if it counts for the client now, else null. */
export interface KeptChange {
  id: string;
  entry: TimeEntry | null;
  /** The version (epoch ms of the source's `at`); null when the source did not say. */
  at: number | null;
}

/**
 * Keep `ARGV[3]` (an entry's JSON, `null` when gone) under `ARGV[1]`, unless the kept version is
 * newer (both stamped, `ARGV[2]` ≥ 0, and the new one earlier) or the same. Toggl stamps `at` to the
 * second, so an equal stamp with other content is a later edit in that second (changes are read in
 * order) and is kept. A gone entry is kept too (`null`), so that an older version coming later is
 * refused. Each field is `<at>|<json>`; 1 when what counts changed.
 */
const APPLY_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local before = 'null'
if cur then
  local sep = string.find(cur, '|', 1, true)
  local was = tonumber(string.sub(cur, 1, sep - 1))
  local at = tonumber(ARGV[2])
  if at >= 0 and was >= 0 and at < was then return 0 end
  before = string.sub(cur, sep + 1)
  if before == ARGV[3] then
    if at > was then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3]) end
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if before == 'null' and ARGV[3] == 'null' then return 0 end
return 1`;

/** How long a client's kept entries outlive their last change: past any billing period. */
const KEPT_TTL_MS = 70 * 86_400_000;

/**
 * Each client's unbilled summary in one Redis hash (`<prefix>:unbilled`, field = client id). What
 * `vahub status` and the dashboard read; rebuilt from the time source by reconcile. Beside it, the
 * incremental count's record: per client, the current period's entries by id with the version each
 * is of (`<prefix>:unbilled:entries:<client>`), and when they were last counted in full
 * (`<prefix>:unbilled:counted`, field = client id).
 */
export class UnbilledStore {
  private readonly key: string;

  constructor(private readonly options: { redis: Redis; prefix?: string; timeoutMs?: number }) {
    this.key = `${options.prefix ?? 'vahub'}:unbilled`;
  }

  /** When the client's entries were last counted in full; null when never (or Redis lost it). */
  async counted(clientId: string): Promise<CountedRecord | null> {
    const raw = await bounded(this.options.redis.hget(`${this.key}:counted`, clientId), this.opts('reading'));
    const parsed = countedSchema.safeParse(raw === null ? null : safeJson(raw));
    return parsed.success ? parsed.data : null;
  }

  /** Replace the client's kept entries with a full count's, for the period starting `firstDate`. */
  async replaceEntries(
    clientId: string,
    firstDate: string,
    entries: readonly TimeEntry[],
    countedAt: number,
  ) {
    const key = this.entriesKey(clientId);
    const tx = this.options.redis.multi().del(key);
    for (const e of entries) tx.hset(key, e.id, `${stamp(e)}|${JSON.stringify(e)}`);
    tx.pexpire(key, KEPT_TTL_MS);
    const record: CountedRecord = { firstDate, countedAt, dirty: false };
    tx.hset(`${this.key}:counted`, clientId, JSON.stringify(record));
    await bounded(tx.exec(), this.opts('writing'));
  }

  /** Apply entry changes to the client's kept entries, each only if newer than what is kept; how many changed. */
  async applyEntries(clientId: string, changes: readonly KeptChange[]): Promise<number> {
    if (changes.length === 0) return 0;
    const key = this.entriesKey(clientId);
    const pipe = this.options.redis.pipeline();
    for (const c of changes) {
      const json = c.entry === null ? 'null' : JSON.stringify(c.entry);
      pipe.eval(APPLY_SCRIPT, 1, key, c.id, String(c.at ?? -1), json, String(KEPT_TTL_MS));
    }
    const results = (await bounded(pipe.exec(), this.opts('writing'))) ?? [];
    let changed = 0;
    for (const [err, value] of results) {
      if (err) throw err;
      changed += Number(value);
    }
    return changed;
  }

  /** The client's kept entries that count (not gone). */
  async keptEntries(clientId: string): Promise<TimeEntry[]> {
    const all = await bounded(this.options.redis.hgetall(this.entriesKey(clientId)), this.opts('reading'));
    return Object.values(all).flatMap((raw) => {
      const entry = safeJson(raw.slice(raw.indexOf('|') + 1)) as TimeEntry | null;
      return entry === null ? [] : [entry];
    });
  }

  /** Mark clients as due a full count (an entry of their workspace could not be placed). */
  async markDirty(clientIds: readonly string[]): Promise<void> {
    for (const id of clientIds) {
      const record = await this.counted(id);
      if (record === null || record.dirty) continue;
      await bounded(
        this.options.redis.hset(`${this.key}:counted`, id, JSON.stringify({ ...record, dirty: true })),
        this.opts('writing'),
      );
    }
  }

  private entriesKey(clientId: string): string {
    return `${this.key}:entries:${clientId}`;
  }

  async get(clientId: string): Promise<UnbilledSummary | null> {
    const raw = await bounded(this.options.redis.hget(this.key, clientId), this.opts('reading'));
    if (raw === null) return null;
    const parsed = summarySchema.safeParse(safeJson(raw));
    return parsed.success ? parsed.data : null;
  }

  /** Store the summary; returns the one it replaced (to tell a threshold crossed). */
  async set(summary: UnbilledSummary): Promise<UnbilledSummary | null> {
    const before = await this.get(summary.clientId);
    await bounded(
      this.options.redis.hset(this.key, summary.clientId, JSON.stringify(summary)),
      this.opts('writing'),
    );
    return before;
  }

  async list(): Promise<UnbilledSummary[]> {
    const all = await bounded(this.options.redis.hgetall(this.key), this.opts('listing'));
    return Object.values(all)
      .map((raw) => summarySchema.safeParse(safeJson(raw)))
      .flatMap((p) => (p.success ? [p.data] : []));
  }

  private opts(what: string) {
    return {
      ms: this.options.timeoutMs ?? 5_000,
      what: `${what} the unbilled time`,
      redis: this.options.redis,
    };
  }
}

/** An entry's version for the record: its `at` in epoch ms, -1 when unknown. */
function stamp(entry: TimeEntry): number {
  const ms = entry.updatedAt === undefined ? Number.NaN : Date.parse(entry.updatedAt);
  return Number.isNaN(ms) ? -1 : ms;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
