import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Catalog } from '../catalog/catalog.js';
import type { JobQueues } from '../queues/queues.js';
import { bounded } from '../redis/bounded.js';

export interface VahubMetricsOptions {
  /** @defaultValue a new registry */
  registry?: Registry;
  /** Also collect Node's process metrics (memory, event loop lag). @defaultValue false */
  processMetrics?: boolean;
}

// A scrape must answer even when Redis does not: queue figures are left out then.
const SCRAPE_REDIS_MS = 1_000;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The service's Prometheus metrics, one object shared by whatever runs in a process (the receiver,
 * the workers, the request pipelines). Counters of this process, plus queue gauges read from Redis
 * at scrape time, so any process reports the queues of all of them.
 */
export class VahubMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'route' | 'provider' | 'outcome' | 'status'>;
  private readonly jobs: Counter<'queue' | 'outcome'>;
  private readonly jobSeconds: Histogram<'queue' | 'outcome'>;
  private readonly vendorCalls: Counter<'provider' | 'outcome'>;
  private readonly vendorSeconds: Histogram<'provider'>;
  private readonly limitWaits: Counter<'provider' | 'outcome'>;
  private readonly limitSeconds: Histogram<'provider'>;
  private readonly watched: JobQueues<Catalog>[] = [];

  constructor(options: VahubMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'vahub_http_requests_total',
      help: 'HTTP requests answered, by route and outcome',
      labelNames: ['route', 'provider', 'outcome', 'status'],
      registers,
    });
    this.jobs = new Counter({
      name: 'vahub_job_runs_total',
      help: 'Job runs in this process, by queue and outcome (completed, retried, rate-limited, parked, failed)',
      labelNames: ['queue', 'outcome'],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'vahub_job_duration_seconds',
      help: 'How long job runs took in this process',
      labelNames: ['queue', 'outcome'],
      buckets: SECONDS,
      registers,
    });
    this.vendorCalls = new Counter({
      name: 'vahub_vendor_calls_total',
      help: 'Calls to vendors, by provider and outcome (ok, failed)',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.vendorSeconds = new Histogram({
      name: 'vahub_vendor_call_duration_seconds',
      help: 'How long vendor calls took',
      labelNames: ['provider'],
      buckets: SECONDS,
      registers,
    });
    this.limitWaits = new Counter({
      name: 'vahub_rate_limit_waits_total',
      help: "Calls that waited for vahub's own rate limiter (waited), or were sent back to the queue (deferred)",
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.limitSeconds = new Histogram({
      name: 'vahub_rate_limit_wait_seconds',
      help: "Time calls spent waiting for vahub's own rate limiter",
      labelNames: ['provider'],
      buckets: SECONDS,
      registers,
    });
    const watched = this.watched;
    new Gauge({
      name: 'vahub_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const queues of watched) {
          const depths = await bounded(queues.depths(), { ms: SCRAPE_REDIS_MS, what: 'queue depths' }).catch(
            () => [],
          );
          for (const d of depths) {
            for (const state of ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const)
              this.set({ queue: d.queue, state }, d[state]);
          }
        }
      },
    });
    new Gauge({
      name: 'vahub_queue_finished_jobs',
      help: 'Jobs finished by all workers, by queue and outcome (BullMQ metrics kept in Redis)',
      labelNames: ['queue', 'outcome'],
      registers,
      async collect() {
        this.reset();
        for (const queues of watched) {
          await Promise.all(
            queues.names.flatMap((name) =>
              (['completed', 'failed'] as const).map(async (outcome) => {
                const m = await bounded(queues.queue(name).getMetrics(outcome, 0, 0), {
                  ms: SCRAPE_REDIS_MS,
                  what: 'job metrics',
                }).catch(() => null);
                if (m) this.set({ queue: name, outcome }, m.meta.count);
              }),
            ),
          );
        }
      },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Report these queues' depths and finished jobs at every scrape. */
  watchQueues<C extends Catalog>(queues: JobQueues<C>): void {
    this.watched.push(queues as unknown as JobQueues<Catalog>);
  }

  recordRequest(r: { route: string; provider?: string; outcome: string; status: number }): void {
    this.requests.inc({
      route: r.route,
      provider: r.provider ?? '',
      outcome: r.outcome,
      status: String(r.status),
    });
  }

  recordJob(r: { queue: string; outcome: string; ms: number }): void {
    this.jobs.inc({ queue: r.queue, outcome: r.outcome });
    this.jobSeconds.observe({ queue: r.queue, outcome: r.outcome }, r.ms / 1000);
  }

  recordVendorCall(r: { provider: string; ok: boolean; ms?: number }): void {
    this.vendorCalls.inc({ provider: r.provider, outcome: r.ok ? 'ok' : 'failed' });
    if (r.ms !== undefined) this.vendorSeconds.observe({ provider: r.provider }, r.ms / 1000);
  }

  recordRateLimitWait(r: { provider: string; ms: number; deferred: boolean }): void {
    this.limitWaits.inc({ provider: r.provider, outcome: r.deferred ? 'deferred' : 'waited' });
    if (!r.deferred) this.limitSeconds.observe({ provider: r.provider }, r.ms / 1000);
  }

  /** Hooks for `RedisRateLimiter` (`onAcquire`, `onDefer`) that record its waits here. */
  limiterHooks(): {
    onAcquire: (info: { provider: string; waitedMs: number }) => void;
    onDefer: (info: { provider: string; retryAfterMs: number }) => void;
  } {
    return {
      onAcquire: ({ provider, waitedMs }) => {
        // A place granted at once is no wait: only real waits are counted.
        if (waitedMs > 0) this.recordRateLimitWait({ provider, ms: waitedMs, deferred: false });
      },
      onDefer: ({ provider, retryAfterMs }) =>
        this.recordRateLimitWait({ provider, ms: retryAfterMs, deferred: true }),
    };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of everything. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
