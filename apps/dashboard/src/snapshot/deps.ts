import type {
  CalendarPort,
  ClientConfig,
  InvoiceSink,
  IsoInstant,
  TaskSource,
  TimeSource,
  VaConfig,
} from '@vahub/core';
import {
  type Catalog,
  type FailedJob,
  type JobQueues,
  listFailedJobs,
  type QueueDepth,
  type VahubMetrics,
} from '@vahub/jobs';
import type { ConnectionHealth, RateLimitHeadroom } from './types.js';

/** A draft vahub made, as whoever keeps them knows it (the billing ledger, the demo's run). */
export interface KnownDraft {
  clientId: string;
  invoiceId: string;
  invoiceNumber: string | null;
  /** "Nov 2026": what it bills. */
  label: string;
  total: string;
  currency: string;
}

/** A task the planner could not fit (`ScheduleSummary.unplaced`). */
export interface PlannerShortfall {
  taskId: string;
  taskName: string;
  clientId: string;
  reason: string;
  missingMinutes: number;
  deadline: IsoInstant | null;
  message: string;
}

/**
 * What the snapshot reads. Only `config` is required: every other source that is missing makes its
 * parts `unavailable`, and one that fails or is slow does the same without failing the rest.
 */
export interface SnapshotDeps {
  config: { va: VaConfig; clients: readonly ClientConfig[] };
  /** @defaultValue Date.now */
  now?: () => number;
  calendar?: CalendarPort;
  tasks?: TaskSource;
  time?: TimeSource;
  /** For the drafts' state in the invoicing app now. */
  invoices?: Pick<InvoiceSink, 'getInvoiceStatus'>;
  /** The client's drafts vahub made, newest first. */
  drafts?: (clientId: string) => Promise<readonly KnownDraft[]>;
  /** The planner's latest shortfalls (a schedule run's `unplaced`). */
  shortfalls?: () => Promise<readonly PlannerShortfall[]>;
  /** The job queues' figures (`queueReader(jobQueues)`): the same numbers as `/metrics`. */
  queues?: QueueReader;
  /** For webhook deliveries: the process's request counters. */
  metrics?: VahubMetrics;
  rateLimits?: () => Promise<RateLimitHeadroom[]>;
  connections?: () => Promise<ConnectionHealth[]>;
  /** How long one source may take before it is reported unavailable. @defaultValue 5_000 */
  timeoutMs?: number;
  /** How many drafts per client. @defaultValue 5 */
  draftsPerClient?: number;
}

/** What the health part reads from the queues. */
export interface QueueReader {
  depths(): Promise<QueueDepth[]>;
  failed(limit: number): Promise<FailedJob[]>;
}

/** The queues of any catalog as the snapshot reads them. */
export function queueReader<C extends Catalog>(queues: JobQueues<C>): QueueReader {
  return {
    depths: () => queues.depths(),
    failed: (limit) => listFailedJobs(queues, { limit }),
  };
}
