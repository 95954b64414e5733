// Part 3 of the demo: the service (receiver and worker, in this process) on Redis, and the VA's
// week played through the four apps' webhooks. Everything it opens is closed before it returns.
import { randomBytes } from 'node:crypto';
import type { CalendarPort, InvoiceSink, TaskSource, TimeSource, TokenStore } from '@vahub/core';
import { parseInstant, silentLogger } from '@vahub/core';
import {
  createRedis,
  defaultLimitPolicies,
  encryptionKeyFrom,
  type JobQueues,
  type LimitPolicy,
  RedisTokenStore,
} from '@vahub/jobs';
import { deleteKeys } from '@vahub/jobs/testing';
import type { Config } from '@vahub/registry';
import { startService, UnbilledStore } from '@vahub/worker';
import type { DemoFakes } from '../fakes.js';
import { watchJobs } from './job-watch.js';
import { playWeek, type WeekPlayed } from './play-week.js';
import { VARIES } from './print-service.js';
import { demoRedis } from './redis.js';
import { type WrittenReport, writeReports } from './report-file.js';
import { subscribeWebhooks } from './subscribe.js';

/** What the dashboard needs from the running service (the CLI passes `startDashboard` over it). */
export interface DemoDashboardInput {
  config: Config;
  ports: { tasks: TaskSource; calendar: CalendarPort; time: TimeSource; invoices: InvoiceSink };
  queues: JobQueues;
  now: () => number;
}
export type DemoDashboard = (input: DemoDashboardInput) => Promise<{ url: string; close(): Promise<void> }>;

export interface ServicePartResult extends WeekPlayed {
  /** The weekly reports the demo wrote (HTML), one per client. */
  reports: WrittenReport[];
  /** The dashboard's address while it ran; null without a dashboard. */
  dashboardUrl: string | null;
  /** Keys left under the demo's prefix after clean-up (0 when all went). */
  keysLeft: number;
  /** The demo's Redis key prefix, a new one each run. */
  prefix: string;
  /** The webhook receiver's address while it ran. */
  receiverUrl: string;
}

/**
 * The vendors' limits, but Toggl's one request a second left out: the fakes are local, and the demo
 * should not spend half a minute pacing itself. The hourly quota and every other limit stay.
 */
const DEMO_LIMITS: Record<string, LimitPolicy> = {
  ...defaultLimitPolicies,
  toggl: {
    ...defaultLimitPolicies.toggl,
    windows: (defaultLimitPolicies.toggl?.windows ?? []).filter((w) => w.windowMs > 1_000),
  },
};

const WATCHED = [
  'event.task',
  'event.calendar',
  'event.time-entry',
  'event.invoice',
  'schedule.replan',
  'sweep',
  'reconcile',
  'invoice.run',
];

export async function runServicePart(input: {
  config: Config;
  fakes: DemoFakes;
  /** The grants the demo's OAuth flows stored: the service gets them as `vahub connect` would store them. */
  grants: TokenStore;
  env: Record<string, string>;
  now: string;
  say: (line?: string) => void;
  dashboard?: DemoDashboard;
}): Promise<ServicePartResult> {
  const { config, fakes, say } = input;
  const nowMs = parseInstant(input.now);
  say();
  say('3. The service: the four apps send webhooks, the worker acts on them (vahub start)');
  const redisSource = await demoRedis(process.env);
  const prefix = `{vahub-demo-${randomBytes(6).toString('hex')}}`;
  const keyText = randomBytes(32).toString('hex');
  const env = { ...input.env, VAHUB_ENCRYPTION_KEY: keyText, REDIS_URL: redisSource.url };
  const redis = createRedis(redisSource.url);
  const closers: (() => Promise<unknown>)[] = [];
  let keysLeft = -1;
  try {
    say(`${VARIES}Redis: ${redisSource.how}, keys under ${prefix}`);
    const tokens = new RedisTokenStore({ redis, prefix, key: encryptionKeyFrom(keyText) });
    for (const id of ['google', 'xero']) {
      const grant = await input.grants.get(id);
      if (grant) await tokens.set(id, grant);
    }
    const jobs = await watchJobs(redis, prefix, WATCHED);
    closers.push(() => jobs.close());
    const service = await startService({
      config,
      env,
      redis,
      prefix,
      logger: silentLogger,
      host: '127.0.0.1',
      port: 0,
      limitPolicies: DEMO_LIMITS,
      worker: { schedule: false, now: () => nowMs, replanWindowMs: 100 },
    });
    closers.push(() => service.close());
    const runtime = service.worker?.runtime;
    if (!runtime || !service.url) throw new Error('the service started without its worker or receiver');
    say(`${VARIES}Webhook receiver: ${service.url}`);
    const subscribed = await subscribeWebhooks({
      instances: runtime.built.instances,
      receiverUrl: service.url,
    });
    say(
      `   Receiver and worker running; webhooks subscribed: Asana (${subscribed.asanaProjects} projects), ` +
        `Google Calendar (${subscribed.googleCalendars} calendar), Toggl (${subscribed.togglWorkspaces} workspaces); Xero signs with its portal key.`,
    );
    const seq = jobs.lastSeq();
    await runtime.queues.add('reconcile', { clientId: null });
    const reconciled = await jobs.next('reconcile', () => true, seq);
    await jobs.next('schedule.replan', () => true, reconciled.seq);
    say('   Reconciled once: task mirrors, busy time and unbilled hours read from the apps.');
    const played = await playWeek({
      config,
      fakes,
      jobs,
      queues: runtime.queues,
      unbilled: new UnbilledStore({ redis, prefix }),
      receiverUrl: service.url,
      nowMs,
      say,
    });
    say();
    const { ports } = runtime.built;
    const written = await writeReports({ config, ports, nowMs });
    say("   Each client's weekly report for the week just past, as the scheduled job prepares it:");
    for (const r of written.reports) say(`     ${r.summary}`);
    const shown = written.reports.find((r) => Number(r.totalHours) > 0) ?? written.reports[0];
    say(`${VARIES}Weekly reports written to ${written.dir}, e.g. ${shown?.file}`);
    let dashboardUrl: string | null = null;
    if (input.dashboard) {
      const dash = await input.dashboard({ config, ports, queues: runtime.queues, now: () => nowMs });
      closers.push(() => dash.close());
      const res = await fetch(dash.url);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`the dashboard answered ${res.status} at ${dash.url}`);
      dashboardUrl = dash.url;
      say(`${VARIES}Dashboard (open while the demo runs): ${dash.url}`);
    }
    for (const close of closers.splice(0).reverse()) await close();
    keysLeft = await removeKeys(redis, prefix);
    say('   Service stopped: receiver and worker drained, the demo’s Redis keys removed.');
    return { ...played, reports: written.reports, dashboardUrl, keysLeft, prefix, receiverUrl: service.url };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    if (keysLeft < 0) await removeKeys(redis, prefix).catch(() => undefined);
    redis.disconnect();
    await redisSource.close();
  }
}

/** Delete every key under the prefix; answers how many are left (0). */
async function removeKeys(redis: ReturnType<typeof createRedis>, prefix: string): Promise<number> {
  await deleteKeys(redis, prefix);
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const [, left] = await redis.scan('0', 'MATCH', pattern, 'COUNT', 10_000);
  return left.length;
}
