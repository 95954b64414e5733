import type { Logger } from '@vahub/core';
import type { z } from 'zod';
import {
  changeEventPayload,
  channelsRenewPayload,
  invoiceRunPayload,
  reconcilePayload,
  replanPayload,
  sweepPayload,
  weeklyReportPayload,
} from './payloads.js';

/** Exponential backoff between tries of a transient failure, with jitter so failures spread out. */
export interface BackoffPolicy {
  /** The wait after the first failure; it doubles after each one. */
  delayMs: number;
  /**
   * The share of each wait that is random: the wait is drawn from [(1 - jitter) × w, w]. @defaultValue 0.5
   */
  jitter?: number;
}

/** One kind of job: its payload, how often it is tried, and what it is for. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** Checked when the job is added and again when it runs: a payload that fails is parked, never run. */
  schema: S;
  /** Tries in all for transient failures; rate-limit waits do not count. */
  attempts: number;
  backoff: BackoffPolicy;
  /** What the job does, for `vahub status` and the docs. */
  description: string;
  /**
   * At most one job of the queue runs at a time, across every worker (BullMQ's global concurrency,
   * set by `startWorkers`), and a throttled one frees its key as it starts: an ask made while it runs
   * makes the next job at once, due a window after that ask (not a window after the run ends), and
   * that job waits for the running one if it is due first. @defaultValue false
   */
  oneAtATime?: boolean;
}

/** A catalog: job name → definition. The name is also the queue's name. */
export type Catalog = Record<string, JobDefinition>;

const exponential = (delayMs: number): BackoffPolicy => ({ delayMs, jitter: 0.5 });

const changeEvent = (subject: string): JobDefinition<typeof changeEventPayload> => ({
  schema: changeEventPayload,
  attempts: 8,
  backoff: exponential(2_000),
  description: `a ${subject} changed at a provider: re-read it and bring vahub's copy up to date`,
});

/** Every job the service runs. The handler map of the worker must match it key for key. */
export const jobCatalog = {
  'event.task': changeEvent('task'),
  'event.time-entry': changeEvent('time entry'),
  'event.calendar': changeEvent('calendar'),
  'event.invoice': changeEvent('invoice'),
  'schedule.replan': {
    schema: replanPayload,
    attempts: 5,
    backoff: exponential(5_000),
    description: "plan the VA's calendar again from the task and busy-time mirrors",
    oneAtATime: true,
  },
  'invoice.run': {
    schema: invoiceRunPayload,
    attempts: 6,
    backoff: exponential(30_000),
    description: "draft one client's invoice for a billing period, under the client's lock",
  },
  sweep: {
    schema: sweepPayload,
    attempts: 5,
    backoff: exponential(10_000),
    description: 'read what webhooks may have missed since the sync cursor',
  },
  reconcile: {
    schema: reconcilePayload,
    attempts: 5,
    backoff: exponential(30_000),
    description: 'rebuild mirrors, cursors and mappings from the apps',
  },
  'channels.renew': {
    schema: channelsRenewPayload,
    attempts: 8,
    backoff: exponential(60_000),
    description: 'renew push channels before they expire',
  },
  'report.weekly': {
    schema: weeklyReportPayload,
    attempts: 3,
    backoff: exponential(60_000),
    description: "prepare each client's weekly report, and post it where the client's config says",
  },
} satisfies Catalog;

export type JobCatalog = typeof jobCatalog;
export type JobName<C extends Catalog = JobCatalog> = keyof C & string;
/** The payload a handler receives: the schema's output (defaults filled in). */
export type JobPayload<N extends JobName<C>, C extends Catalog = JobCatalog> = z.output<C[N]['schema']>;
/** The payload a producer hands in: the schema's input. */
export type JobInput<N extends JobName<C>, C extends Catalog = JobCatalog> = z.input<C[N]['schema']>;

/** What a handler knows about the run it is in. */
export interface JobContext {
  jobId: string;
  name: string;
  /** 1 on the first try; rate-limit waits do not count. */
  attempt: number;
  /** When the job was due (epoch ms): for a scheduler's job, the moment the schedule named. */
  scheduledFor: number;
  /** Aborted when the worker shuts down or loses the job's lock: stop before the next side effect. */
  signal: AbortSignal;
  logger: Logger;
}

export type JobHandler<P> = (payload: P, context: JobContext) => Promise<unknown>;

/** Exactly one handler per job of the catalog, typed by its payload (use with `satisfies`). */
export type JobHandlers<C extends Catalog = JobCatalog> = {
  [N in keyof C]: JobHandler<z.output<C[N]['schema']>>;
};

/** Declare a catalog of one's own (tests do, with short backoffs), keeping each schema's type. */
export function defineCatalog<const C extends Catalog>(catalog: C): C {
  return catalog;
}
