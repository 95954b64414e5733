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

/**
 * Each client's unbilled summary in one Redis hash (`<prefix>:unbilled`, field = client id). What
 * `vahub status` and the dashboard read; rebuilt from the time source by reconcile.
 */
export class UnbilledStore {
  private readonly key: string;

  constructor(private readonly options: { redis: Redis; prefix?: string; timeoutMs?: number }) {
    this.key = `${options.prefix ?? 'vahub'}:unbilled`;
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

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
