import type { FakeRequest, FakeResponse } from './fake-server.js';

export interface FaultSpec {
  /** Status to answer with instead of the real handler, e.g. 429 or 503. */
  status: number;
  /** `Retry-After` in seconds, for 429s and 503s. */
  retryAfterSeconds?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** How many requests it applies to. @defaultValue 1 */
  times?: number;
  /** Only requests this accepts. */
  match?: (req: FakeRequest) => boolean;
  /** Wait this long before answering (a slow vendor), in milliseconds. */
  delayMs?: number;
}

/** A small deterministic PRNG (mulberry32), so "random" faults repeat from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Queued faults that the fake answers with before its real handlers; plus an optional seeded failure rate. */
export class FaultSwitch {
  private queue: (FaultSpec & { left: number })[] = [];
  private random: (() => number) | null = null;
  private rate = 0;
  private randomStatus = 503;

  /** Answer the next matching request(s) with this fault. */
  next(spec: FaultSpec): this {
    this.queue.push({ ...spec, left: spec.times ?? 1 });
    return this;
  }

  /** Fail a seeded fraction of requests with `status` (e.g. 0.2 of them with 503). */
  randomly(rate: number, seed: number, status = 503): this {
    this.rate = rate;
    this.random = seededRandom(seed);
    this.randomStatus = status;
    return this;
  }

  clear(): void {
    this.queue = [];
    this.random = null;
    this.rate = 0;
  }

  get pending(): number {
    return this.queue.reduce((n, f) => n + f.left, 0);
  }

  /** The fault response for this request, if one applies. */
  async take(req: FakeRequest): Promise<FakeResponse | null> {
    const fault = this.queue.find((f) => f.left > 0 && (!f.match || f.match(req)));
    if (fault) {
      fault.left -= 1;
      this.queue = this.queue.filter((f) => f.left > 0);
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.status === 0) return null;
      const headers: Record<string, string> = { ...fault.headers };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      return {
        status: fault.status,
        headers,
        json: fault.json ?? { errors: [{ message: `injected ${fault.status}` }] },
      };
    }
    if (this.random && this.random() < this.rate) {
      return { status: this.randomStatus, json: { errors: [{ message: `injected ${this.randomStatus}` }] } };
    }
    return null;
  }
}
