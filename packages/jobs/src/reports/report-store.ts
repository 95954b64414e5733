import {
  type IsoWeek,
  isIsoWeek,
  mondayOfIsoWeek,
  type ReportArchive,
  type StoredWeeklyReport,
  VahubError,
} from '@vahub/core';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';
import { VAHUB_PREFIX } from '../redis/keys.js';

/** A stored report that is not what this version of vahub wrote: say so rather than show half of it. */
export class StoredReportUnreadableError extends VahubError {
  override name = 'StoredReportUnreadableError';
}

/** What a listing shows of each report without loading its renderings. */
export interface StoredReportSummary {
  clientId: string;
  week: IsoWeek;
  savedAt: string;
  totalHours: string;
  status: 'on-track' | 'at-risk';
  published: StoredWeeklyReport['published'];
}

export interface RedisReportStoreOptions {
  redis: Redis;
  /** @defaultValue `{vahub}` (VAHUB_PREFIX) */
  prefix?: string;
  /** How long a report is kept after it was last saved. @defaultValue 400 days: a year of weeks */
  ttlMs?: number;
  /** How long to wait for Redis per call. @defaultValue 5_000 */
  timeoutMs?: number;
}

const DAY_MS = 86_400_000;

/** Checked on read: the fields every reader relies on (the report's own shape is versioned). */
const stored = z.object({
  clientId: z.string().min(1),
  week: z.string().refine(isIsoWeek),
  report: z
    .object({
      version: z.literal(1),
      hours: z.object({ totalHours: z.string() }).passthrough(),
      status: z.object({ kind: z.enum(['on-track', 'at-risk']) }).passthrough(),
    })
    .passthrough(),
  html: z.string(),
  markdown: z.string(),
  text: z.string(),
  savedAt: z.string(),
  published: z
    .object({ destination: z.string(), id: z.string(), url: z.string().nullable(), at: z.string() })
    .nullable(),
});

/**
 * Prepared weekly reports in Redis, for the dashboard and `vahub report`: one record per client and
 * ISO week (saving again replaces it), and per client an index of weeks, newest first. Everything
 * sits under the installation's `{…}` prefix, so one Redis Cluster slot holds it. Records expire
 * `ttlMs` after their last save; the index forgets them as it meets them.
 */
export class RedisReportStore implements ReportArchive {
  private readonly base: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: RedisReportStoreOptions) {
    this.base = `${options.prefix ?? VAHUB_PREFIX}:reports:`;
    this.ttlMs = options.ttlMs ?? 400 * DAY_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    if (!Number.isFinite(this.ttlMs) || this.ttlMs < 1) {
      throw new RangeError(`ttlMs must be a positive number of ms, got ${this.ttlMs}`);
    }
  }

  private recordKey(clientId: string, week: IsoWeek): string {
    return `${this.base}${clientId}:${week}`;
  }

  private indexKey(clientId: string): string {
    return `${this.base}weeks:${clientId}`;
  }

  async save(report: StoredWeeklyReport): Promise<void> {
    const checked = stored.safeParse(report);
    if (!checked.success || checked.data.clientId !== report.report.clientId) {
      throw new VahubError(
        `refusing to store a weekly report that does not hold together (${checked.error?.issues[0]?.path.join('.') ?? 'clientId'}): this is a bug in vahub`,
      );
    }
    const monday = Date.parse(`${mondayOfIsoWeek(report.week)}T00:00:00Z`);
    const index = this.indexKey(report.clientId);
    const write = this.options.redis
      .multi()
      .set(this.recordKey(report.clientId, report.week), JSON.stringify(report), 'PX', Math.ceil(this.ttlMs))
      .zadd(index, monday, report.week)
      .pexpire(index, Math.ceil(this.ttlMs))
      .exec();
    const results = await bounded(write, {
      ms: this.timeoutMs,
      what: `save report ${report.clientId} ${report.week}`,
    });
    const failed = results?.find(([err]) => err !== null)?.[0];
    if (failed) throw failed;
  }

  async get(clientId: string, week: IsoWeek): Promise<StoredWeeklyReport | null> {
    const text = await bounded(this.options.redis.get(this.recordKey(clientId, week)), {
      ms: this.timeoutMs,
      what: `GET report ${clientId} ${week}`,
    });
    return text === null ? null : this.read(text, `${clientId} ${week}`);
  }

  /** The client's latest week on record, or null. */
  async latest(clientId: string): Promise<StoredWeeklyReport | null> {
    const [first] = await this.list(clientId, { limit: 1 });
    return first ? this.get(clientId, first.week) : null;
  }

  /** The client's reports, newest week first, without their renderings. */
  async list(clientId: string, options: { limit?: number } = {}): Promise<StoredReportSummary[]> {
    const limit = options.limit ?? 12;
    const index = this.indexKey(clientId);
    const weeks = await bounded(this.options.redis.zrevrange(index, 0, Math.max(0, limit - 1)), {
      ms: this.timeoutMs,
      what: `ZREVRANGE ${index}`,
    });
    if (weeks.length === 0) return [];
    const texts = await bounded(this.options.redis.mget(weeks.map((w) => this.recordKey(clientId, w))), {
      ms: this.timeoutMs,
      what: `MGET reports of ${clientId}`,
    });
    const out: StoredReportSummary[] = [];
    const gone: string[] = [];
    texts.forEach((text, i) => {
      const week = weeks[i] as string;
      if (text === null) {
        gone.push(week);
        return;
      }
      const r = this.read(text, `${clientId} ${week}`);
      out.push({
        clientId,
        week,
        savedAt: r.savedAt,
        totalHours: r.report.hours.totalHours,
        status: r.report.status.kind,
        published: r.published,
      });
    });
    if (gone.length > 0) {
      await bounded(this.options.redis.zrem(index, ...gone), { ms: this.timeoutMs, what: `ZREM ${index}` });
    }
    return out;
  }

  private read(text: string, what: string): StoredWeeklyReport {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const checked = stored.safeParse(json);
    if (!checked.success) {
      throw new StoredReportUnreadableError(
        `the stored weekly report ${what} is unreadable (written by another version of vahub?): run the weekly report again to replace it`,
      );
    }
    return json as StoredWeeklyReport;
  }
}
