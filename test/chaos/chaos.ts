// The chaos run: the real receiver and several worker processes on a private Redis, the four fakes
// answering with faults, task changes and time entries over several clients, webhooks twice, out of
// order, never and after their job records are gone, workers SIGKILLed at random moments and
// restarted, Redis restarted (or flushed, then reconciled). Then the end state against the truth.
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { seededRandom } from '@vahub/testkit';
import { type ServiceWorld, startServiceWorld } from '../support/service-world.js';
import { checkEndState, type Verdict } from './check.js';
import { Load, newTruth, type Truth } from './load.js';
import { drained, retrying } from './settle.js';
import { type ChaosClient, chaosClients, chaosWorld, WORKSPACE } from './world.js';

export interface ChaosOptions {
  /** Task changes in Asana. */
  events: number;
  /** Time entries in Toggl. */
  entries: number;
  /** Worker processes SIGKILLed (each replaced by a new one). */
  kills: number;
  workers: number;
  clients: number;
  /** `restart`: Redis (append-only) stopped and started once; `flush`: everything in it deleted once, then reconcile. */
  redis: 'restart' | 'flush' | 'none';
  seed: number;
  /** Shares of vendor calls: 503s, 429s with Retry-After, timeouts (30 s each), mid-body stalls. */
  faults: { serverErrors: number; rateLimits: number; timeouts: number; stalls: number };
  /** Longest wait for the service to settle at the end. */
  settleMs: number;
  /** Where to write the processes' log lines at the end (CHAOS_LOG). */
  logFile?: string;
  /** Stop the processes, Redis and the fakes on SIGINT/SIGTERM, then exit (the command line run). */
  handleSignals?: boolean;
  log: (line: string) => void;
}

export interface ChaosResult {
  verdict: Verdict;
  truth: Truth;
  faults: number;
  faultsByKind: Record<string, number>;
  kills: number;
  vendorCalls: number;
  /** Calls each fake answered, by vendor. */
  callsByVendor: Record<string, number>;
  webhookDeliveries: number;
  seconds: number;
}

const WAVES = 20;
const isDeliberate = (data: unknown) => (data as { clientId?: string } | null)?.clientId === 'nobody';

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const began = Date.now();
  const clients = chaosClients(o.clients);
  const w = await startServiceWorld({
    workers: o.workers,
    appendonly: o.redis === 'restart',
    world: chaosWorld(clients),
    env: { VAHUB_REPLAN_WINDOW_MS: '500' },
  });
  const onSignal = (signal: NodeJS.Signals) => {
    o.log(`${signal}: stopping the processes, Redis and the fakes`);
    void w.stop().finally(() => process.exit(130));
  };
  if (o.handleSignals) for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, onSignal);
  try {
    return await drive(w, clients, o, began);
  } finally {
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, onSignal);
    // Every line the receiver and the workers printed, for a run that went wrong.
    if (o.logFile) await writeFile(o.logFile, w.logs.join('\n')).catch(() => undefined);
    await w.stop();
  }
}

async function drive(w: ServiceWorld, clients: ChaosClient[], o: ChaosOptions, began: number) {
  const random = seededRandom(o.seed);
  const truth = newTruth(clients);
  const load = new Load(w, clients, truth, o.seed + 1);
  const fakes = [w.asana, w.google, w.toggl, w.xero];
  await w.registerAsanaWebhooks();
  await w.subscribeToggl(String(WORKSPACE));
  seedMeetings(w);
  await w.queues.add('reconcile', { clientId: null });
  await drained(w, 60_000);
  o.log(`setup done in ${((Date.now() - began) / 1000).toFixed(0)} s; faults on`);

  fakes.forEach((f, i) => {
    f.server.faults.mix({ seed: o.seed * 10 + i, ...o.faults, retryAfterSeconds: 1 });
  });
  // The period that has just ended is complete before any invoice run of it.
  const lastPeriodEntries = Math.round(o.entries * 0.4);
  load.planLastPeriod(lastPeriodEntries);
  for (let i = 0; i < lastPeriodEntries; i++) load.entry(true, random() < 0.05);

  const killWaves = Array.from({ length: o.kills }, (_, i) => Math.floor(((i + 0.5) * WAVES) / o.kills));
  const invoiceWaves = new Set([2, Math.floor(WAVES / 2) + 1, WAVES - 2]);
  const starting: Promise<ChildProcess | null>[] = [];
  let kills = 0;
  let mark = 0;
  for (let wave = 0; wave < WAVES; wave++) {
    const changes = Math.round(((wave + 1) * o.events) / WAVES) - Math.round((wave * o.events) / WAVES);
    const entries =
      Math.round(((wave + 1) * (o.entries - lastPeriodEntries)) / WAVES) -
      Math.round((wave * (o.entries - lastPeriodEntries)) / WAVES);
    const killsNow = killWaves.filter((k) => k === wave).length;
    // The moments of this wave's kills: after a random change of the wave.
    const killAt = Array.from({ length: killsNow }, () => Math.floor(random() * changes));
    for (let i = 0; i < Math.max(changes, entries); i++) {
      if (i < changes) load.taskChange(random() < 0.05);
      if (i < entries) load.entry(false, random() < 0.05);
      for (const _ of killAt.filter((k) => k === i)) {
        const alive = () => w.workers().filter((c) => c.exitCode === null && !c.killed);
        // Every worker already killed: wait for the new ones, so each planned kill happens.
        if (alive().length === 0) await Promise.all(starting);
        const victims = alive();
        const victim = victims[Math.floor(random() * victims.length)];
        if (!victim) continue;
        victim.kill('SIGKILL');
        kills += 1;
        starting.push(replacement(w, o));
      }
      // Let the fakes' deliveries and the workers run between bursts of changes.
      if (i % 25 === 24) await load.deliveriesDone();
    }
    await load.deliveriesDone();
    mark = await load.redeliver(mark, 0.1, 5);
    if (invoiceWaves.has(wave)) await invoiceRuns(w, clients);
    if (wave === Math.floor(WAVES / 3) || wave === Math.floor((2 * WAVES) / 3)) w.xero.expireAccessTokens();
    if (wave === Math.floor(WAVES / 2)) {
      // Records cleared by hand take their events' dedupe keys with them (those the queues trim by
      // count keep them): the redeliveries below are taken again, and their jobs must change nothing.
      for (const q of ['event.task', 'event.time-entry'] as const) {
        await w.queues.queue(q).clean(0, 1_000_000, 'completed');
      }
      mark = await load.redeliver(mark, 0, 20);
      await redisTrouble(w, o, starting);
    }
    o.log(
      `wave ${wave + 1}/${WAVES}: ${truth.taskChanges} task changes, ${truth.entries} entries, ${kills} kills`,
    );
  }
  await Promise.all(starting);
  await load.deliveriesDone();
  o.log('load done; the sweeps that would run every 15 minutes run now, faults still on');
  for (const [provider, subject] of [
    ['asana', 'task'],
    ['google', 'calendar'],
    ['toggl', 'time-entry'],
  ] as const) {
    await w.queues.add('sweep', { provider, subject, clientId: null });
  }
  await invoiceRuns(w, clients);
  await drained(w, o.settleMs);
  const faultsByKind: Record<string, number> = {};
  for (const f of fakes) {
    for (const [kind, n] of Object.entries(f.server.faults.counts))
      faultsByKind[kind] = (faultsByKind[kind] ?? 0) + n;
    f.server.faults.clear();
  }
  o.log('settled; faults off; checking the end state against the apps');
  const verdict = await checkEndState(w, clients, truth, isDeliberate);
  return {
    verdict,
    truth,
    faults: Object.values(faultsByKind).reduce((s, n) => s + n, 0),
    faultsByKind,
    kills,
    vendorCalls: fakes.reduce((s, f) => s + f.server.requests.length, 0),
    callsByVendor: Object.fromEntries(fakes.map((f) => [f.id, f.server.requests.length])),
    webhookDeliveries: w.asana.hub.deliveries.length + w.toggl.webhooks.deliveries.length + truth.redelivered,
    seconds: Math.round((Date.now() - began) / 1000),
  };
}

/** A new worker process; one that does not come up is tried once more (the run goes on either way). */
async function replacement(w: ServiceWorld, o: ChaosOptions): Promise<ChildProcess | null> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      return await w.startWorker();
    } catch (err) {
      o.log(`a new worker did not start (attempt ${attempt}): ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return null;
}

/** Every client's run for the period that has just ended, twice at once, and one that can never run. */
async function invoiceRuns(w: ServiceWorld, clients: ChaosClient[]) {
  for (const c of clients) {
    for (let i = 0; i < 2; i++) {
      await w.queues.add('invoice.run', { clientId: c.id, period: 'just-ended', trigger: 'manual' });
    }
  }
  await w.queues.add('invoice.run', { clientId: 'nobody', period: 'just-ended', trigger: 'manual' });
}

async function redisTrouble(w: ServiceWorld, o: ChaosOptions, starting: Promise<ChildProcess | null>[]) {
  if (o.redis === 'restart') {
    o.log('Redis stopped (append-only file flushed) and started again');
    await w.redisServer.stop();
    await w.redisServer.start();
    return;
  }
  if (o.redis !== 'flush') return;
  o.log(
    'Redis flushed: everything in it is gone; the VA connects again, webhooks registered again, reconcile',
  );
  await w.redis.flushall();
  await w.connect();
  // Registration talks to the vendors, which still answer with faults: tried until it goes through.
  await retrying(() => w.registerAsanaWebhooks());
  // The old Toggl subscription's secret went with Redis, and the plan allows one per workspace: it
  // goes (in Toggl's UI) before vahub subscribes again.
  w.toggl.webhooks.subs.clear();
  await retrying(() => w.subscribeToggl(String(WORKSPACE)));
  // Job schedulers come back with a worker start.
  starting.push(replacement(w, o));
  await w.queues.add('reconcile', { clientId: null });
}

/** Meetings on the VA's calendar over the next week, which no block may overlap. */
function seedMeetings(w: ServiceWorld) {
  const day = 86_400_000;
  for (let d = 1; d <= 7; d++) {
    const start = Math.floor((Date.now() + d * day) / day) * day + 10 * 3_600_000 + d * 1_800_000;
    w.google.seedEvent('primary', {
      summary: `Client call ${d}`,
      start: { dateTime: new Date(start).toISOString(), timeZone: 'UTC' },
      end: { dateTime: new Date(start + 3_600_000).toISOString(), timeZone: 'UTC' },
    });
  }
}
