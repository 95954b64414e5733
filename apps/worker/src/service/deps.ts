import type {
  CalendarPort,
  ClientConfig,
  InvoiceSink,
  Lock,
  Logger,
  ReportArchive,
  ReportPublisher,
  ReportsConfig,
  SubscriptionManager,
  TaskSource,
  TimeSource,
  VahubConfig,
} from '@vahub/core';
import type { BusyMirror, CursorStore, JobQueues, TaskMirror } from '@vahub/jobs';
import type { CompletedRuns } from '../flows/coalesced-run.js';
import type { UnbilledStore } from './unbilled-store.js';

/** The ports the handlers work through (core's, built by the registry). */
export interface ServicePorts {
  tasks: TaskSource;
  time: TimeSource;
  calendar: CalendarPort;
  invoices: InvoiceSink;
  reports?: ReportPublisher;
}

/** Everything the job handlers are built with: config, ports, Redis stores, the queues they add to. */
export interface ServiceDeps {
  config: Pick<VahubConfig, 'va' | 'calendar'> & { clients: ClientConfig[]; reports: ReportsConfig };
  ports: ServicePorts;
  queues: JobQueues;
  taskMirror: TaskMirror;
  busyMirror: BusyMirror;
  cursors: CursorStore;
  unbilled: UnbilledStore;
  /**
   * When each client's period was last read by a complete invoice run: runs asked for before that
   * read are coalesced into it (`draftInvoicesCoalesced`). Unset, every run reads its period.
   */
  invoiceRuns?: CompletedRuns;
  lock: Lock;
  archive: ReportArchive;
  logger: Logger;
  /** The connector id serving each port: what sweeps and cursors are keyed by. */
  providers: { tasks: string; time: string; calendar: string; invoices: string };
  /** The receiver's public base URL (`webhooks.publicUrl`): where vendors deliver; unset, nothing is registered. */
  publicUrl?: string;
  /** The connectors that register webhooks at their vendor, by connector id. */
  subscriptions: readonly { provider: string; manager: SubscriptionManager }[];
  /** How long a burst of task events is gathered into one replan. @defaultValue 5 s */
  replanWindowMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

export const now = (deps: Pick<ServiceDeps, 'now'>): number => (deps.now ?? Date.now)();

/** The configured client with this id, or a config error a person can act on (the job is parked). */
export function clientById(deps: Pick<ServiceDeps, 'config'>, clientId: string): ClientConfig {
  const client = deps.config.clients.find((c) => c.id === clientId);
  if (client) return client;
  const known = deps.config.clients.map((c) => c.id).join(', ');
  throw new UnknownClientError(
    `no client "${clientId}" in the config (configured: ${known || 'none'}): fix the job's client id or add the client, then retry the job`,
  );
}

/** A permanent failure: the runner parks it (matched by name, like core's config errors). */
export class UnknownClientError extends Error {
  override name = 'UnrecoverableError';
}

/** Run `work` for each item; one failing does not stop the others; the first failure is rethrown at the end. */
export async function eachIsolated<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
  onError: (item: T, err: unknown) => void,
): Promise<void> {
  const failures: unknown[] = [];
  for (const item of items) {
    try {
      await work(item);
    } catch (err) {
      failures.push(err);
      onError(item, err);
    }
  }
  if (failures.length > 0) throw failures[0];
}

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
