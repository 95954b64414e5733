/** At most `limit` calls in any `windowMs` (a sliding window, not a fixed one). */
export interface LimitWindow {
  limit: number;
  windowMs: number;
  /**
   * How much longer vahub counts each call in this window than the vendor does. vahub counts a call
   * from when it is granted, the vendor from when it arrives: without a guard, a call granted the
   * moment an old one leaves vahub's window can reach the vendor before the old one left the
   * vendor's (the old one took longer to arrive: the network, a busy process), and is refused.
   * @defaultValue 0
   */
  guardMs?: number;
}

/** What one answer's limit headers say. */
export type LimitReading =
  /**
   * The vendor's count for a window: `remaining` calls left of `vendorLimit` (the configured limit
   * when the vendor's is not known). Calls vahub did not make (another app on the same tenant) are
   * counted in as if made now, or so that they leave the window after `resetsInMs`.
   */
  | { kind: 'remaining'; windowMs: number; remaining: number; vendorLimit?: number; resetsInMs?: number }
  /** Send nothing for `ms` (a quota used up, a `Retry-After`). */
  | { kind: 'pause'; ms: number };

/** The limits of one provider, applied per key (a tenant, a token's hash). */
export interface LimitPolicy {
  windows: readonly LimitWindow[];
  /** Calls in flight at once; none when absent. */
  concurrency?: number;
  /** Read the vendor's own limit headers of an answer (lower-cased names). */
  readHeaders?: (headers: Headers) => LimitReading[];
}

function count(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The limits vahub keeps to by default, by connector id. Each vendor counts per tenant or token,
 * which is what a call's `limitKey` names. Override them with `RedisRateLimiter`'s `policies`.
 */
export const defaultLimitPolicies: Readonly<Record<string, LimitPolicy>> = {
  // 60 calls a minute and 5 in flight per organisation, 5,000 a day; the answers carry the counts
  // left (X-MinLimit-Remaining, X-DayLimit-Remaining), which include other apps' calls.
  xero: {
    windows: [
      // Counted 2 s longer than Xero does: measured, a burst on a loaded machine was refused once without.
      { limit: 60, windowMs: MINUTE, guardMs: 2_000 },
      { limit: 5_000, windowMs: DAY },
    ],
    concurrency: 5,
    readHeaders: (headers) => {
      const out: LimitReading[] = [];
      const minute = count(headers.get('x-minlimit-remaining'));
      const day = count(headers.get('x-daylimit-remaining'));
      if (minute !== null)
        out.push({ kind: 'remaining', windowMs: MINUTE, remaining: minute, vendorLimit: 60 });
      if (day !== null) out.push({ kind: 'remaining', windowMs: DAY, remaining: day, vendorLimit: 5_000 });
      return out;
    },
  },
  // 150 a minute per token on free workspaces (paid ones allow 1,500: raise it in config).
  asana: { windows: [{ limit: 150, windowMs: MINUTE }] },
  // An hourly quota per user and organisation (240 on Starter) and a leaky bucket of about one
  // request a second; the answers say what is left of the hour and when it resets.
  toggl: {
    windows: [
      { limit: 240, windowMs: HOUR },
      { limit: 1, windowMs: 1_000 },
    ],
    readHeaders: (headers) => {
      const remaining = count(headers.get('x-toggl-quota-remaining'));
      const resetsIn = count(headers.get('x-toggl-quota-resets-in'));
      if (remaining === null) return [];
      const resetsInMs = resetsIn === null ? undefined : Math.min(resetsIn * 1000, HOUR);
      const out: LimitReading[] = [
        { kind: 'remaining', windowMs: HOUR, remaining, ...(resetsInMs === undefined ? {} : { resetsInMs }) },
      ];
      if (remaining === 0 && resetsInMs !== undefined) out.push({ kind: 'pause', ms: resetsInMs });
      return out;
    },
  },
};

/**
 * The policies with the VA's plans applied: each quota replaces the limit of the window of the same
 * length in its connector's policy (Asana's minute, Toggl's hour), or is added when there is none.
 */
export function withQuotas(
  policies: Readonly<Record<string, LimitPolicy>>,
  quotas: Readonly<Record<string, readonly { limit: number; windowMs: number }[]>>,
): Record<string, LimitPolicy> {
  const out: Record<string, LimitPolicy> = { ...policies };
  for (const [id, windows] of Object.entries(quotas)) {
    const policy = out[id] ?? { windows: [] };
    const kept = policy.windows.filter((w) => !windows.some((q) => q.windowMs === w.windowMs));
    const set = windows.map((q) => ({ ...policy.windows.find((w) => w.windowMs === q.windowMs), ...q }));
    out[id] = { ...policy, windows: [...set, ...kept].sort((a, b) => b.windowMs - a.windowMs) };
  }
  return out;
}

/** A policy in words, for error messages: "60 per 1 min, 5 in flight". */
export function describePolicy(policy: LimitPolicy): string {
  const span = (ms: number) =>
    ms % DAY === 0
      ? `${ms / DAY} d`
      : ms % HOUR === 0
        ? `${ms / HOUR} h`
        : ms % MINUTE === 0
          ? `${ms / MINUTE} min`
          : `${ms / 1000} s`;
  const parts = policy.windows.map((w) => `${w.limit} per ${span(w.windowMs)}`);
  if (policy.concurrency) parts.push(`${policy.concurrency} in flight`);
  return parts.join(', ') || 'no fixed limit';
}
