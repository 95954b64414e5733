export interface FakeLimitOptions {
  /** Calls per organisation per `minuteMs`. @defaultValue 60 */
  perMinute?: number;
  /** The length of Xero's "minute"; tests shrink it. @defaultValue 60 000 */
  minuteMs?: number;
  /** Calls per organisation per day. @defaultValue 5000 */
  perDay?: number;
  /** Calls per app per minute across organisations. @defaultValue 10 000 */
  appPerMinute?: number;
  /** Calls in flight per organisation. @defaultValue 5 */
  concurrent?: number;
}

export type LimitProblem = 'minute' | 'day' | 'concurrent' | 'appminute';

export type Admission =
  | { ok: true; headers: Record<string, string>; release: () => void }
  | { ok: false; problem: LimitProblem; retryAfterSeconds: number; headers: Record<string, string> };

const DAY_MS = 86_400_000;

/**
 * Xero's API limits as the fake enforces them: sliding windows of calls per organisation per
 * minute and per day, per app per minute, and calls in flight per organisation. Refused calls do
 * not count against the limits; they are counted as violations (`refusals`), by limit.
 */
export class TenantLimits {
  private readonly perMinute: number;
  private readonly minuteMs: number;
  private readonly perDay: number;
  private readonly appPerMinute: number;
  private readonly concurrent: number;
  private readonly calls = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();
  private appCalls: number[] = [];
  /** Calls refused, per organisation and limit: each one a violation by the caller (for tests). */
  readonly refusals = new Map<string, Record<LimitProblem, number>>();
  /** The most calls ever in flight at once, per organisation (for tests). */
  readonly peakInFlight = new Map<string, number>();

  constructor(
    options: FakeLimitOptions,
    private readonly now: () => number,
  ) {
    this.perMinute = options.perMinute ?? 60;
    this.minuteMs = options.minuteMs ?? 60_000;
    this.perDay = options.perDay ?? 5000;
    this.appPerMinute = options.appPerMinute ?? 10_000;
    this.concurrent = options.concurrent ?? 5;
  }

  admit(tenantId: string): Admission {
    const now = this.now();
    const calls = (this.calls.get(tenantId) ?? []).filter((t) => t > now - DAY_MS);
    this.calls.set(tenantId, calls);
    this.appCalls = this.appCalls.filter((t) => t > now - this.minuteMs);
    const lastMinute = calls.filter((t) => t > now - this.minuteMs);
    const remaining = {
      minute: this.perMinute - lastMinute.length,
      day: this.perDay - calls.length,
      app: this.appPerMinute - this.appCalls.length,
    };
    const waitFor = (oldest: number | undefined, windowMs: number) =>
      Math.max(1, Math.ceil(((oldest ?? now) + windowMs - now) / 1000));
    const headers = (m: number, d: number, a: number) => ({
      'x-minlimit-remaining': String(Math.max(0, m)),
      'x-daylimit-remaining': String(Math.max(0, d)),
      'x-appminlimit-remaining': String(Math.max(0, a)),
    });
    const refused = (problem: LimitProblem, retryAfterSeconds: number): Admission => {
      const counts = this.refusals.get(tenantId) ?? { minute: 0, day: 0, concurrent: 0, appminute: 0 };
      counts[problem] += 1;
      this.refusals.set(tenantId, counts);
      return {
        ok: false,
        problem,
        retryAfterSeconds,
        headers: headers(remaining.minute, remaining.day, remaining.app),
      };
    };
    if (remaining.day <= 0) return refused('day', waitFor(calls[0], DAY_MS));
    if (remaining.app <= 0) return refused('appminute', waitFor(this.appCalls[0], this.minuteMs));
    if (remaining.minute <= 0) return refused('minute', waitFor(lastMinute[0], this.minuteMs));
    const flying = this.inFlight.get(tenantId) ?? 0;
    if (flying >= this.concurrent) return refused('concurrent', 1);

    calls.push(now);
    this.appCalls.push(now);
    this.inFlight.set(tenantId, flying + 1);
    this.peakInFlight.set(tenantId, Math.max(this.peakInFlight.get(tenantId) ?? 0, flying + 1));
    let released = false;
    return {
      ok: true,
      headers: headers(remaining.minute - 1, remaining.day - 1, remaining.app - 1),
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.set(tenantId, (this.inFlight.get(tenantId) ?? 1) - 1);
      },
    };
  }
}
