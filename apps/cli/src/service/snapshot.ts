// The one snapshot `vahub status` prints and `vahub start`'s dashboard serves: the same sources,
// read the same way, so the two always agree.
import {
  type CalendarBlock,
  type CalendarPort,
  type ClientConfig,
  type InvoiceSink,
  invoiceReference,
  periodContaining,
  previousPeriod,
} from '@vahub/core';
import {
  gatherSnapshot,
  grantConnections,
  type KnownDraft,
  queueReader,
  type SnapshotDeps,
  type StatusSnapshot,
} from '@vahub/dashboard';
import { JobQueues, VAHUB_PREFIX, type VahubMetrics } from '@vahub/jobs';
import { connectors, neutralClient } from '@vahub/registry';
import { scheduleTasks } from '@vahub/worker';
import type { Runtime } from '../frame/runtime.js';

/** The calendar as the planner sees it, with every write left out: what would be done, not done. */
export function readOnlyCalendar(calendar: CalendarPort): CalendarPort {
  const known = new Set<string>();
  return {
    busy: (w) => calendar.busy(w),
    listBlocks: async (w) => {
      const blocks = await calendar.listBlocks(w);
      for (const b of blocks) known.add(b.id);
      return blocks;
    },
    upsertBlock: async (block: CalendarBlock) => (known.has(block.id) ? 'unchanged' : 'created'),
    deleteBlock: async () => {},
  };
}

/** The queues' prefix the service uses (`VAHUB_PREFIX`, default `{vahub}`). */
export const servicePrefix = (env: NodeJS.ProcessEnv) => env.VAHUB_PREFIX || VAHUB_PREFIX;

/** The client's drafts vahub made over its last three billing periods, newest first (the ledger). */
function draftsFrom(invoices: InvoiceSink, clients: readonly ClientConfig[], now: () => number) {
  return async (clientId: string): Promise<KnownDraft[]> => {
    const client = clients.find((c) => c.id === clientId);
    if (!client || !invoices.findPeriodDrafts) throw new Error('the invoicing app keeps no ledger');
    const { cycle, weekStartsOn } = client.billing;
    let period = periodContaining(
      cycle === 'weekly' ? 'week' : 'month',
      now(),
      client.timezone,
      weekStartsOn,
    );
    const out: KnownDraft[] = [];
    for (let i = 0; i < 3; i++) {
      const found = await invoices.findPeriodDrafts(clientId, invoiceReference(clientId, period));
      for (const d of [...found].reverse()) {
        out.push({
          clientId,
          invoiceId: d.invoiceId,
          invoiceNumber: d.invoiceNumber,
          label: d.reference.replace(`vahub ${clientId} `, ''),
          // The ledger keeps which entries a draft billed, not its amount (that is in the app).
          total: d.manifest ? `${d.manifest.entries.length} time entries` : 'not recorded',
          currency: '',
        });
      }
      period = previousPeriod(period, weekStartsOn);
    }
    return out;
  };
}

export interface StatusSources {
  deps: SnapshotDeps;
  close(): Promise<void>;
}

/** What the snapshot is read from: the CLI's runtime, or, with Redis down, its parts without Redis. */
export type StatusRuntime = Pick<Runtime, 'config' | 'built' | 'tokens' | 'env'> & {
  redis: Runtime['redis'] | null;
  /** Why Redis is not there (said in the parts that need it). */
  redisDown?: string;
};

const failing = (reason: string) => async (): Promise<never> => {
  throw new Error(reason);
};

/** What the snapshot reads, from an open CLI runtime (config, connectors, Redis, token store). */
export function statusSources(
  runtime: StatusRuntime,
  options: { metrics?: VahubMetrics; now?: () => number } = {},
): StatusSources {
  const now = options.now ?? Date.now;
  const clients = runtime.config.clients.map(neutralClient);
  const config = { va: runtime.config.va, calendar: runtime.config.calendar, clients };
  const { ports } = runtime.built;
  const queues = runtime.redis
    ? new JobQueues({ connection: runtime.redis, prefix: servicePrefix(runtime.env) })
    : null;
  const down = runtime.redisDown ?? 'Redis is not reachable';
  const oauth = connectors.filter((c) => c.auth.kind !== 'token').map((c) => ({ id: c.id }));
  const deps: SnapshotDeps = {
    config,
    now,
    calendar: ports.calendar,
    tasks: ports.tasks,
    time: ports.time,
    invoices: ports.invoices,
    drafts: draftsFrom(ports.invoices, clients, now),
    // The planner's shortfalls now: a dry run of the schedule (nothing is written).
    shortfalls: async () =>
      (
        await scheduleTasks({
          config,
          tasks: ports.tasks,
          calendar: readOnlyCalendar(ports.calendar),
          now: new Date(now()).toISOString(),
        })
      ).unplaced,
    queues: queues ? queueReader(queues) : { depths: failing(down), failed: failing(down) },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    connections: runtime.redis ? grantConnections(runtime.tokens, oauth, now) : failing(down),
  };
  return { deps, close: async () => queues?.close() };
}

export type { StatusSnapshot };
export { gatherSnapshot };
