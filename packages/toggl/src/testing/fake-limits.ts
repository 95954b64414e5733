import type { FakeResponse } from '@vahub/testkit';

const HOUR_MS = 3_600_000;

/**
 * Toggl's two limits, per token: an hourly quota over a sliding window (over it: 402 with
 * `X-Toggl-Quota-Resets-In`) and a leaky bucket of about one request a second (over it: 429 with
 * `Retry-After`). Refused requests count against neither.
 */
export class FakeLimits {
  /** Requests per sliding hour; null means no quota (and no quota headers). */
  quotaPerHour: number | null = null;
  /** Leaky bucket: requests drained per second and bucket size; null switches it off. */
  leakyBucket: { ratePerSecond: number; capacity: number } | null = null;
  private readonly accepted = new Map<string, number[]>();
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(private readonly now: () => number) {}

  /** A refusal for this request, or null to let it through (and count it). */
  admit(token: string): FakeResponse | null {
    const now = this.now();
    const bucket = this.drain(token, now);
    if (this.leakyBucket && bucket.level + 1 > this.leakyBucket.capacity) {
      const seconds = Math.ceil(
        (bucket.level + 1 - this.leakyBucket.capacity) / this.leakyBucket.ratePerSecond,
      );
      return {
        status: 429,
        headers: { 'retry-after': String(Math.max(1, seconds)), ...this.headers(token) },
        json: 'Too Many Requests',
      };
    }
    const window = this.window(token, now);
    if (this.quotaPerHour !== null && window.length >= this.quotaPerHour) {
      return {
        status: 402,
        headers: this.headers(token),
        json: `You have hit your hourly limit for API calls. Your quota will reset in ${this.resetsIn(token)} seconds.`,
      };
    }
    bucket.level += 1;
    window.push(now);
    return null;
  }

  /** The quota headers Toggl puts on every answer. */
  headers(token: string): Record<string, string> {
    if (this.quotaPerHour === null) return {};
    const used = this.window(token, this.now()).length;
    return {
      'x-toggl-quota-remaining': String(Math.max(0, this.quotaPerHour - used)),
      'x-toggl-quota-resets-in': String(this.resetsIn(token)),
    };
  }

  reset(): void {
    this.accepted.clear();
    this.buckets.clear();
  }

  private resetsIn(token: string): number {
    const oldest = this.window(token, this.now())[0];
    return oldest === undefined ? 0 : Math.max(0, Math.ceil((oldest + HOUR_MS - this.now()) / 1000));
  }

  private window(token: string, now: number): number[] {
    const kept = (this.accepted.get(token) ?? []).filter((t) => t > now - HOUR_MS);
    this.accepted.set(token, kept);
    return kept;
  }

  private drain(token: string, now: number): { level: number; at: number } {
    const bucket = this.buckets.get(token) ?? { level: 0, at: now };
    const rate = this.leakyBucket?.ratePerSecond ?? 1;
    bucket.level = Math.max(0, bucket.level - ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(token, bucket);
    return bucket;
  }
}
