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

/**
 * A seeded mix of the failures a vendor shows under load, each a share of the matching requests:
 * `serverErrors` answered 503 and `rateLimits` answered 429 with `Retry-After` (both before the
 * real handler runs, so nothing is changed), `timeouts` held open with no answer until the client
 * gives up (or `timeoutHoldMs` passes, then the connection is dropped; the handler never runs), and
 * `stalls` whose real answer stops halfway through the body for `stallMs`, then completes.
 */
export interface FaultMix {
  seed: number;
  serverErrors?: number;
  rateLimits?: number;
  /** @defaultValue 1 */
  retryAfterSeconds?: number;
  timeouts?: number;
  /** @defaultValue 40 000 (longer than the connectors' 30 s timeout) */
  timeoutHoldMs?: number;
  stalls?: number;
  /** @defaultValue 1 000 */
  stallMs?: number;
  /** Only requests this accepts (the others are never faulted). */
  match?: (req: FakeRequest) => boolean;
}

/** How many faults of each kind a switch has injected (queued, random and mixed ones alike). */
export interface FaultCounts {
  serverErrors: number;
  rateLimits: number;
  timeouts: number;
  stalls: number;
  /** Faults queued with `next` or from `randomly`, whatever their status. */
  other: number;
}

/** What the fake server does with one request. */
export type FaultDecision =
  | { kind: 'answer'; response: FakeResponse; fault: string }
  | { kind: 'hang'; holdMs: number }
  | { kind: 'stall'; stallMs: number };

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
  private mixed: { options: FaultMix; random: () => number } | null = null;
  readonly counts: FaultCounts = { serverErrors: 0, rateLimits: 0, timeouts: 0, stalls: 0, other: 0 };

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

  /** Inject a seeded mix of faults into every matching request from now on (`clear()` stops it). */
  mix(options: FaultMix): this {
    const total =
      (options.serverErrors ?? 0) +
      (options.rateLimits ?? 0) +
      (options.timeouts ?? 0) +
      (options.stalls ?? 0);
    if (total > 1) throw new Error(`fault shares add up to ${total}; they must not exceed 1`);
    this.mixed = { options, random: seededRandom(options.seed) };
    return this;
  }

  /** Stop every fault (queued, random, mixed); the counts stay. */
  clear(): void {
    this.queue = [];
    this.random = null;
    this.rate = 0;
    this.mixed = null;
  }

  /** All faults injected so far. */
  get injected(): number {
    const c = this.counts;
    return c.serverErrors + c.rateLimits + c.timeouts + c.stalls + c.other;
  }

  /** What to do with this request: a fault answer, a hang, a stalled answer, or null (answer normally). */
  async decide(req: FakeRequest): Promise<FaultDecision | null> {
    const taken = await this.take(req);
    if (taken) return { kind: 'answer', response: taken, fault: `injected ${taken.status}` };
    const mixed = this.mixed;
    if (!mixed || (mixed.options.match && !mixed.options.match(req))) return null;
    const o = mixed.options;
    // One draw, compared against the shares stacked one after another.
    const r = mixed.random();
    const se = o.serverErrors ?? 0;
    const rl = se + (o.rateLimits ?? 0);
    const to = rl + (o.timeouts ?? 0);
    const st = to + (o.stalls ?? 0);
    if (r < se) {
      this.counts.serverErrors += 1;
      return {
        kind: 'answer',
        fault: 'injected 503',
        response: { status: 503, json: { errors: [{ message: 'injected 503' }] } },
      };
    }
    if (r < rl) {
      this.counts.rateLimits += 1;
      return {
        kind: 'answer',
        fault: 'injected 429',
        response: {
          status: 429,
          headers: { 'retry-after': String(o.retryAfterSeconds ?? 1) },
          json: { errors: [{ message: 'injected 429' }] },
        },
      };
    }
    if (r < to) {
      this.counts.timeouts += 1;
      return { kind: 'hang', holdMs: o.timeoutHoldMs ?? 40_000 };
    }
    if (r < st) {
      this.counts.stalls += 1;
      return { kind: 'stall', stallMs: o.stallMs ?? 1_000 };
    }
    return null;
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
      this.counts.other += 1;
      const headers: Record<string, string> = { ...fault.headers };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      return {
        status: fault.status,
        headers,
        json: fault.json ?? { errors: [{ message: `injected ${fault.status}` }] },
      };
    }
    if (this.random && this.random() < this.rate) {
      this.counts.other += 1;
      return { status: this.randomStatus, json: { errors: [{ message: `injected ${this.randomStatus}` }] } };
    }
    return null;
  }
}
