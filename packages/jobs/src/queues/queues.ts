import { randomUUID } from 'node:crypto';
import { type Logger, silentLogger, VahubError } from '@vahub/core';
import { Job, type JobsOptions, type KeepJobs, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type Catalog,
  type JobCatalog,
  type JobInput,
  type JobName,
  jobCatalog,
} from '../catalog/catalog.js';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';
import { corkThisTurn } from '../redis/cork.js';
import { VAHUB_PREFIX } from '../redis/keys.js';
import { jobIdFor, uniqueJobId } from './job-ids.js';
import { assertTimeZone } from './schedules.js';
import { markQuiet, queuedJob, type ThrottledJobKeys } from './throttle-scripts.js';

/**
 * The queue prefix. The braces are a Redis Cluster hash tag: every key of every queue hashes to one
 * slot, which BullMQ's multi-key scripts need.
 */
export const DEFAULT_QUEUE_PREFIX = VAHUB_PREFIX;

export interface JobQueuesOptions<C extends Catalog> {
  /** A connection made with `maxRetriesPerRequest: null` (`createRedis`); the caller closes it. */
  connection: Redis;
  /** @defaultValue the service's `jobCatalog` */
  catalog?: C;
  /** @defaultValue "{vahub}" (`DEFAULT_QUEUE_PREFIX`); tests give each run its own, in braces. */
  prefix?: string;
  /** Finished jobs kept for `vahub status`. @defaultValue a day, at most 1,000 per queue */
  keepCompleted?: KeepJobs;
  /** Failed (parked) jobs kept for a person to look at. @defaultValue 30 days */
  keepFailed?: KeepJobs;
  /** How long an add waits for Redis. @defaultValue 5_000 */
  timeoutMs?: number;
  /** Told of connection errors (a queue without a listener would crash the process on one). */
  logger?: Logger;
}

interface Deferred {
  data: unknown;
  promise: Promise<{ jobId: string }>;
  resolve: (value: { jobId: string }) => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  const d = { data: undefined } as Deferred;
  d.promise = new Promise((resolve, reject) => {
    d.resolve = resolve;
    d.reject = reject;
  });
  return d;
}

/** How many jobs of a queue are in each state. */
export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  prioritized: number;
}

/** A job scheduler as `schedule` made it. */
export interface ScheduleSpec<C extends Catalog, N extends JobName<C>> {
  /** The scheduler's id: upserting the same id again updates it in place. */
  id: string;
  name: N;
  input: JobInput<N, C>;
  /** A cron pattern read in `tz`, e.g. `billingPeriodCron({ cycle: 'monthly' })`. */
  cron: string;
  /** The IANA zone the pattern is read in, e.g. the client's billing zone. */
  tz: string;
}

/**
 * How far a worker's clock may run ahead of a process that adds throttled jobs (at most half the
 * job's delay is assumed): asks within a new job's delay, less this, are not sent (see `addThrottled`).
 */
const THROTTLE_CLOCK_GUARD_MS = 1_000;

/**
 * One BullMQ queue per job of the catalog (the job's name is the queue's), all under one
 * cluster-safe prefix. Every add checks the payload against the catalog's schema and applies the
 * job's attempts and backoff.
 */
export class JobQueues<C extends Catalog = JobCatalog> {
  readonly prefix: string;
  readonly catalog: C;
  private readonly queues = new Map<string, Queue>();
  /** Throttled adds on their way to Redis, by job and key, with the asks waiting for the next one. */
  private readonly throttled = new Map<string, { next: Deferred | null }>();
  /** Quiet-period markers this process knows are in Redis, with the time until which they surely are. */
  private readonly markedUntil = new Map<string, number>();
  /** Throttled jobs this process made, by job and key, with the time before which none can start. */
  private readonly waitingRuns = new Map<string, { jobId: string; notBefore: number }>();
  /**
   * What this process knows of Redis (markers, waiting runs) holds while the connection does: a Redis
   * that restarted may have lost both, so a closed connection forgets them.
   */
  private readonly forget = () => {
    this.markedUntil.clear();
    this.waitingRuns.clear();
  };
  private forgetting = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: JobQueuesOptions<C>) {
    this.catalog = options.catalog ?? (jobCatalog as unknown as C);
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    if (!/^\{[^{}]+\}/.test(this.prefix))
      throw new VahubError(
        `queue prefix "${this.prefix}" must start with a {hash tag} so Redis Cluster keeps each queue in one slot`,
      );
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  }

  get names(): JobName<C>[] {
    return Object.keys(this.catalog) as JobName<C>[];
  }

  /** The BullMQ queue of a job (created on first use). */
  queue(name: JobName<C>): Queue {
    const definition = this.catalog[name];
    if (!definition) throw new VahubError(`"${name}" is not a job of the catalog`);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.options.connection,
        prefix: this.prefix,
        defaultJobOptions: {
          attempts: definition.attempts,
          backoff: {
            type: 'exponential',
            delay: definition.backoff.delayMs,
            jitter: definition.backoff.jitter ?? 0.5,
          },
          removeOnComplete: this.options.keepCompleted ?? { age: 24 * 3600, count: 1000 },
          removeOnFail: this.options.keepFailed ?? { age: 30 * 24 * 3600 },
        },
      });
      const logger = this.options.logger ?? silentLogger;
      queue.on('error', (err) => logger.warn({ queue: name, err: err.message }, 'queue connection error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Add a job after checking its payload. */
  async add<N extends JobName<C>>(
    name: N,
    input: JobInput<N, C>,
    options: { jobId?: string; delayMs?: number } = {},
  ): Promise<{ jobId: string }> {
    return this.enqueue(name, input, {
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
    });
  }

  /**
   * Add a payload `parse` has checked (it is not parsed again) once per `once` for `forMs`: a second
   * add of the same `once` in that time, racing the first or days after the first job's record was
   * removed, makes no job. BullMQ's deduplication does it inside the add's own script: one round
   * trip, and the key that remembers the add is written with the job or not at all. The key outlives
   * the job's record (finished records are removed by count and age, `keepCompleted`); removing the
   * job by hand (`job.remove()`, a queue clean) lifts it. Answers with the job that holds `once` and
   * whether this add made it.
   */
  async addCheckedOnce<N extends JobName<C>>(
    name: N,
    data: unknown,
    options: { once: string; forMs: number },
  ): Promise<{ jobId: string; added: boolean }> {
    const queue = this.queue(name);
    const jobId = uniqueJobId(options.once);
    const run = async () => {
      // BullMQ's Redis client: our ioredis connection (the queue was made on it).
      const client = (await queue.backend.client) as unknown as Redis;
      const opts: JobsOptions = {
        ...queue.defaultJobOptions,
        jobId,
        deduplication: { id: options.once, ttl: options.forMs },
      };
      // A busy receiver adds several events in one turn of the event loop: one write for all of them.
      corkThisTurn(client);
      const holder = await new Job(queue, name, data, opts, jobId).addJob(client as never);
      return { jobId: holder, added: holder === jobId };
    };
    return this.wait(run(), `adding a ${name} job`);
  }

  /**
   * Add a job whose id derives from `identity` (a provider's event, a client and period): adding the
   * same identity again, while the first job's record exists, adds nothing.
   */
  async addUnique<N extends JobName<C>>(
    name: N,
    input: JobInput<N, C>,
    options: { identity: readonly string[]; delayMs?: number },
  ): Promise<{ jobId: string }> {
    return this.add(name, input, { jobId: jobIdFor(name, options.identity), delayMs: options.delayMs ?? 0 });
  }

  /**
   * Coalesce a burst into one run: the first add of `key` makes a job that runs `windowMs` later
   * (`firstMs` later when it is the first of a quiet period, see `throttleDelay`);
   * further adds while it waits join it (a burst of 50 task events is one replan). An add while it
   * runs leaves exactly one follow-up run, so a change that came after the run read its inputs is
   * never lost. The follow-up carries the latest payload. An ask made while a job this process
   * added cannot have started yet (within its delay, less a guard for a worker's clock running
   * ahead) sends nothing: Redis would only join it to that job, which starts after it.
   */
  async addThrottled<N extends JobName<C>>(
    name: N,
    input: JobInput<N, C>,
    options: { key: string; windowMs: number; firstMs?: number },
  ): Promise<{ jobId: string }> {
    const data = this.parse(name, input);
    const slot = `${name}\u0000${options.key}`;
    const add = async (latest: unknown): Promise<{ jobId: string }> => {
      // A run this process made that cannot have started yet starts after this ask: Redis would
      // only join the ask to it, so no add is sent.
      const waiting = this.waitingRuns.get(slot);
      if (waiting && Date.now() < waiting.notBefore) return { jobId: waiting.jobId };
      // A job of this key not started yet (by any process, past its due time or not) reads what the
      // asker wrote first: the ask joins it. One small script instead of BullMQ's add, which would
      // only come to the same answer (a burst behind a busy planner sent one such add per ask).
      const queued = await this.queuedRun(name, options.key);
      if (queued !== null) return { jobId: queued };
      const delay = await this.throttleDelay(name, options);
      const jobId = randomUUID();
      const job = await this.wait(
        this.queue(name).add(name, latest, {
          delay,
          jobId,
          deduplication: { id: options.key, keepLastIfActive: true },
        }),
        `adding a ${name} job`,
      );
      // Our id back means a new job: delayed until `timestamp + delay` by a worker's clock, which
      // may run ahead of this one's, hence the guard. Another id: the ask joined a job of unknown start.
      this.forgetOnClose();
      if (job.id === jobId) {
        const guard = Math.min(THROTTLE_CLOCK_GUARD_MS, delay / 2);
        this.waitingRuns.set(slot, { jobId, notBefore: job.timestamp + delay - guard });
      } else this.waitingRuns.delete(slot);
      return { jobId: job.id as string };
    };
    // While an add of this key is on its way to Redis, the asks that come join one more add sent
    // after it: every ask is still followed by an add sent after it was made (so a run that starts
    // later reads what the asker wrote first), and a burst costs this process two adds, not one each.
    const state = this.throttled.get(slot);
    if (!state) {
      this.throttled.set(slot, { next: null });
      return add(data).finally(() => this.sendNext(slot, add));
    }
    state.next ??= deferred();
    state.next.data = data;
    return state.next.promise;
  }

  /**
   * The keys of `addThrottled`'s job of `key`, for a script that writes what the job will read and
   * joins the job in the same step when it has not started (`QUEUED_JOB_LUA`): an ask that costs no
   * command of its own. The script must run on this queue's Redis.
   */
  throttledJobKeys(name: JobName<C>, key: string): ThrottledJobKeys {
    const queue = this.queue(name);
    return { dedupKey: queue.toKey(`de:${key}`), jobKeyPrefix: queue.toKey('') };
  }

  /** The id of the job `key` deduplicates to when it has not started yet; null otherwise. */
  private async queuedRun(name: JobName<C>, key: string): Promise<string | null> {
    return this.wait(
      queuedJob(this.options.connection, this.throttledJobKeys(name, key)),
      `checking the queued ${name} job`,
    );
  }

  /**
   * `firstMs` for the first add of a quiet period (no add of the key in the last `windowMs`, marked
   * in Redis so every process agrees), `windowMs` otherwise: a lone change is acted on at once, a
   * burst still gathers. At most one short run per window, so runs stay calm. A process that saw
   * the marker knows it is there for its time to live (it is never extended) and asks Redis again
   * only after that: a burst's asks cost one marker round trip per process and window, not one each.
   */
  private async throttleDelay(name: string, options: { key: string; windowMs: number; firstMs?: number }) {
    const { firstMs, windowMs } = options;
    if (firstMs === undefined || firstMs >= windowMs) return windowMs;
    const marker = `${this.prefix}:throttle:${name}:${options.key}`;
    const sent = Date.now();
    if (sent < (this.markedUntil.get(marker) ?? 0)) return windowMs;
    const [quiet, ttlMs] = await this.wait(
      markQuiet(this.options.connection, marker, windowMs),
      `marking a ${name} ask`,
    );
    // Counted from before the call: Redis read the time to live later, so the marker outlives this.
    this.forgetOnClose();
    if (ttlMs > 0) this.markedUntil.set(marker, sent + ttlMs);
    else this.markedUntil.delete(marker);
    return quiet === 1 ? firstMs : windowMs;
  }

  private forgetOnClose(): void {
    if (this.forgetting) return;
    this.forgetting = true;
    this.options.connection.on('close', this.forget);
  }

  private sendNext(slot: string, add: (data: unknown) => Promise<{ jobId: string }>): void {
    const next = this.throttled.get(slot)?.next;
    if (!next) {
      this.throttled.delete(slot);
      return;
    }
    this.throttled.set(slot, { next: null });
    add(next.data)
      .then(next.resolve, next.reject)
      .finally(() => this.sendNext(slot, add));
  }

  /**
   * Run a job at the times a cron pattern names, read in an IANA zone (BullMQ's job schedulers, so
   * one run per firing however many workers there are). Upserting an id again replaces it.
   */
  async schedule<N extends JobName<C>>(spec: ScheduleSpec<C, N>): Promise<{ next: number | null }> {
    assertTimeZone(spec.tz, `the schedule "${spec.id}"`);
    const data = this.parse(spec.name, spec.input);
    const queue = this.queue(spec.name);
    try {
      await this.wait(
        queue.upsertJobScheduler(spec.id, { pattern: spec.cron, tz: spec.tz }, { name: spec.name, data }),
        `scheduling ${spec.id}`,
      );
    } catch (err) {
      if (err instanceof VahubError) throw err;
      throw new VahubError(
        `the schedule "${spec.id}" (${spec.cron} in ${spec.tz}) was refused: ${(err as Error).message}`,
      );
    }
    const scheduler = await this.wait(queue.getJobScheduler(spec.id), `reading ${spec.id}`);
    return { next: scheduler?.next ?? null };
  }

  async unschedule(name: JobName<C>, id: string): Promise<boolean> {
    return this.wait(this.queue(name).removeJobScheduler(id), `removing ${id}`);
  }

  /** The schedulers of a job: id, pattern, zone and next firing. */
  async schedules(
    name: JobName<C>,
  ): Promise<{ id: string; cron: string | null; tz: string | null; next: number | null }[]> {
    const list = await this.wait(this.queue(name).getJobSchedulers(0, -1, true), `listing ${name} schedules`);
    return list.map((s) => ({
      id: s.key,
      cron: s.pattern ?? null,
      tz: s.tz ?? null,
      next: s.next ?? null,
    }));
  }

  /** Jobs per state in every queue of the catalog. */
  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      this.names.map(async (name) => {
        const c = await this.wait(
          this.queue(name).getJobCounts('wait', 'active', 'delayed', 'failed', 'completed', 'prioritized'),
          `counting ${name}`,
        );
        return {
          queue: name,
          waiting: c.wait ?? 0,
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          completed: c.completed ?? 0,
          prioritized: c.prioritized ?? 0,
        };
      }),
    );
  }

  /** Close the queues (not the connection, which belongs to the caller). */
  async close(): Promise<void> {
    this.options.connection.off('close', this.forget);
    this.forgetting = false;
    this.forget();
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private async enqueue(name: JobName<C>, input: unknown, opts: JobsOptions): Promise<{ jobId: string }> {
    return this.enqueueParsed(name, this.parse(name, input), opts);
  }

  private async enqueueParsed(
    name: JobName<C>,
    data: unknown,
    opts: JobsOptions,
  ): Promise<{ jobId: string }> {
    const job = await this.wait(this.queue(name).add(name, data, opts), `adding a ${name} job`);
    return { jobId: job.id as string };
  }

  /** The payload as the schema reads it; a clear error naming each bad field otherwise. */
  parse(name: JobName<C>, input: unknown): unknown {
    const definition = this.catalog[name];
    if (!definition) throw new VahubError(`"${name}" is not a job of the catalog`);
    const parsed = definition.schema.safeParse(input);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`)
      .join('; ');
    throw new VahubError(`a ${name} job's payload is invalid: ${issues}`);
  }

  private wait<T>(work: Promise<T>, what: string): Promise<T> {
    return bounded(work, { ms: this.timeoutMs, what });
  }
}
