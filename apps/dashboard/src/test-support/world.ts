// The demo's world (apps/cli's report world: the four fakes seeded, the real connectors, the demo's
// schedule and drafts) with what the dashboard reads: the planner's shortfalls, the drafts the
// demo made, and a queue set of this test alone on the shared Redis.

import { parseInstant } from '@vahub/core';
import { DEMO_NOW, type ReportWorld, startReportWorld } from '@vahub/demo';
import { createRedis, JobQueues, VahubMetrics } from '@vahub/jobs';
import { deleteKeys } from '@vahub/jobs/testing';
import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import { scheduleTasks } from '@vahub/worker';
import type { Redis } from 'ioredis';
import { grantConnections } from '../snapshot/connections.js';
import { type KnownDraft, queueReader, type SnapshotDeps } from '../snapshot/deps.js';

export interface DashboardWorld extends ReportWorld {
  deps: SnapshotDeps;
  redis: Redis;
  queues: JobQueues;
  metrics: VahubMetrics;
  now: number;
  close(): Promise<void>;
}

/** Every secret the world's vahub holds: none may reach a page, a response or a snapshot. */
export async function worldSecrets(world: ReportWorld, extra: string[] = []): Promise<string[]> {
  const secrets = Object.entries(world.env)
    .filter(([name]) => /TOKEN|SECRET|KEY|PASSWORD/i.test(name))
    .map(([, value]) => value);
  for (const key of ['google', 'xero']) {
    const grant = await world.store.get(key);
    if (grant?.accessToken) secrets.push(grant.accessToken);
    if (grant?.refreshToken) secrets.push(grant.refreshToken);
  }
  secrets.push(world.fakes.toggl.apiToken, ...extra);
  return secrets.filter((s) => s.length >= 8);
}

/** The drafts the demo made, as a ledger would list them: newest first, read from the fake's books. */
function draftsOf(world: ReportWorld) {
  return async (clientId: string): Promise<KnownDraft[]> => {
    const out: (KnownDraft & { date: string })[] = [];
    for (const tenant of world.fakes.xero.tenants.values()) {
      for (const inv of tenant.invoices.values()) {
        const m = /^vahub (\S+) (\S+)/.exec(inv.Reference);
        if (m?.[1] !== clientId) continue;
        out.push({
          clientId,
          invoiceId: inv.InvoiceID,
          invoiceNumber: inv.InvoiceNumber,
          label: m[2] ?? inv.Reference,
          total: inv.total.toFixed(2),
          currency: inv.CurrencyCode,
          date: inv.date,
        });
      }
    }
    return out.sort((a, b) => b.date.localeCompare(a.date)).map(({ date: _, ...d }) => d);
  };
}

export async function startDashboardWorld(): Promise<DashboardWorld> {
  const world = await startReportWorld();
  const redis = createRedis(testRedisUrl());
  const queues = new JobQueues({ connection: redis, prefix: `{${uniquePrefix('dashboard')}}` });
  const metrics = new VahubMetrics();
  metrics.watchQueues(queues);
  const now = parseInstant(DEMO_NOW);
  // The schedule is already made: a second run changes nothing and says what did not fit.
  const summary = await scheduleTasks({
    config: world.config,
    tasks: world.ports.tasks,
    calendar: world.ports.calendar,
    now: DEMO_NOW,
  });
  const deps: SnapshotDeps = {
    config: world.config,
    now: () => now,
    calendar: world.ports.calendar,
    tasks: world.ports.tasks,
    time: world.ports.time,
    invoices: world.ports.invoices,
    drafts: draftsOf(world),
    shortfalls: async () => summary.unplaced,
    queues: queueReader(queues),
    metrics,
    connections: grantConnections(world.store, [{ id: 'google' }, { id: 'xero' }], () => now),
  };
  return {
    ...world,
    deps,
    redis,
    queues,
    metrics,
    now,
    async close() {
      await queues.close();
      await deleteKeys(redis, queues.prefix);
      await redis.quit();
      await world.stop();
    },
  };
}
