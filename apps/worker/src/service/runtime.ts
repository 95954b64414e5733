import type { Logger, PortName } from '@vahub/core';
import {
  BusyMirror,
  CursorStore,
  createRedis,
  defaultLimitPolicies,
  encryptionKeyFrom,
  JobQueues,
  type LimitPolicy,
  meteredLogger,
  RedisLedgerCache,
  RedisLock,
  RedisRateLimiter,
  RedisReportStore,
  RedisStateStore,
  RedisTokenStore,
  TaskMirror,
  VAHUB_PREFIX,
  VahubMetrics,
  withQuotas,
} from '@vahub/jobs';
import {
  type BuiltConnectors,
  buildConnectors,
  type Config,
  configuredQuotas,
  connectors,
  neutralClient,
} from '@vahub/registry';
import type { Redis } from 'ioredis';
import type { ServiceDeps } from './deps.js';
import { RedisCompletedRuns } from './invoice-runs-store.js';
import { ledgerSink } from './ledger-jobs.js';
import { UnbilledStore } from './unbilled-store.js';

export interface RuntimeOptions {
  config: Config;
  /** `REDIS_URL` (default `redis://127.0.0.1:6379`) and `VAHUB_ENCRYPTION_KEY` (required) are read here. */
  env: NodeJS.ProcessEnv;
  /** A connection made by `createRedis` (`maxRetriesPerRequest: null`); without one it is made from `REDIS_URL` and closed on close. */
  redis?: Redis;
  logger: Logger;
  /** Queue and key prefix; keep a `{hash tag}`. @defaultValue `{vahub}` */
  prefix?: string;
  metrics?: VahubMetrics;
  now?: () => number;
  replanWindowMs?: number;
  /** The vendors' rate limits, by connector id. @defaultValue `defaultLimitPolicies` of @vahub/jobs with the config's plans (`asana.plan`, `toggl.plan`) */
  limitPolicies?: Readonly<Record<string, LimitPolicy>>;
}

/** What the worker and the receiver share: one Redis, the stores, the connectors, the queues. */
export interface Runtime {
  redis: Redis;
  prefix: string;
  metrics: VahubMetrics;
  built: BuiltConnectors;
  queues: JobQueues;
  deps: ServiceDeps;
  close(): Promise<void>;
}

/** The connector id that serves a port, from the registry. */
function providerOf(port: PortName): string {
  const found = connectors.find((c) => (c.serves as readonly PortName[]).includes(port));
  if (!found) throw new Error(`no connector serves the ${port} port`);
  return found.id;
}

/**
 * Build the service's runtime: Redis stores (tokens and connector state sealed under
 * `VAHUB_ENCRYPTION_KEY`), the lock and rate limiter shared by every process, the connectors from
 * the config (no vendor is called), and the job queues.
 */
export function buildRuntime(options: RuntimeOptions): Runtime {
  const { config, env } = options;
  const prefix = options.prefix ?? VAHUB_PREFIX;
  const key = encryptionKeyFrom(env.VAHUB_ENCRYPTION_KEY);
  const ownRedis = options.redis === undefined;
  const redis = options.redis ?? createRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const metrics = options.metrics ?? new VahubMetrics();
  const lock = new RedisLock({ redis, prefix });
  const built = buildConnectors(config, {
    tokens: new RedisTokenStore({ redis, prefix, key }),
    state: new RedisStateStore({ redis, prefix, encryptionKey: key }),
    lock,
    limiter: new RedisRateLimiter({
      redis,
      prefix,
      policies: options.limitPolicies ?? withQuotas(defaultLimitPolicies, configuredQuotas(config)),
      ...metrics.limiterHooks(),
    }),
    logger: meteredLogger(options.logger, metrics),
  });
  const queues = new JobQueues({ connection: redis, prefix, logger: options.logger });
  const deps: ServiceDeps = {
    config: {
      va: config.va,
      calendar: config.calendar,
      reports: config.reports,
      clients: config.clients.map(neutralClient),
    },
    ports: {
      ...built.ports,
      invoices: ledgerSink(built.ports.invoices, new RedisLedgerCache({ redis, prefix })),
    },
    queues,
    taskMirror: new TaskMirror({ redis, prefix }),
    busyMirror: new BusyMirror({ redis, prefix }),
    cursors: new CursorStore({ redis, prefix }),
    unbilled: new UnbilledStore({ redis, prefix }),
    invoiceRuns: new RedisCompletedRuns({ redis, prefix }),
    lock,
    archive: new RedisReportStore({ redis, prefix }),
    logger: options.logger,
    subscriptions: [...built.instances].flatMap(([provider, instance]) =>
      instance.subscriptions ? [{ provider, manager: instance.subscriptions }] : [],
    ),
    ...(config.webhooks.publicUrl ? { publicUrl: config.webhooks.publicUrl } : {}),
    providers: {
      tasks: providerOf('tasks'),
      time: providerOf('time'),
      calendar: providerOf('calendar'),
      invoices: providerOf('invoices'),
    },
    ...(options.replanWindowMs === undefined ? {} : { replanWindowMs: options.replanWindowMs }),
    ...(options.now ? { now: options.now } : {}),
  };
  return {
    redis,
    prefix,
    metrics,
    built,
    queues,
    deps,
    async close() {
      await queues.close();
      await built.close();
      if (ownRedis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
