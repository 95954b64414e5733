// The service end to end: a private Redis, the four fakes over HTTP, and the receiver and workers as
// separate processes (apps/worker/src/service/main.ts), each reading the same config file.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AsanaConnection, newHookKey, registerWebhook, webhookTarget } from '@vahub/asana';
import { FakeAsana } from '@vahub/asana/testing';
import { MemoryLock, silentLogger } from '@vahub/core';
import { FakeGoogle, type StoredEvent } from '@vahub/google-calendar/testing';
import {
  createRedis,
  encryptionKeyFrom,
  JobQueues,
  RedisStateStore,
  RedisTokenStore,
  TaskMirror,
} from '@vahub/jobs';
import { RedisServer } from '@vahub/jobs/testing';
import { buildConnectors, type Config, parseVahubConfig } from '@vahub/registry';
import { fakesEnv, firstMatch } from '@vahub/testkit';
import type { TogglWebhookReceiver } from '@vahub/toggl';
import { FakeToggl } from '@vahub/toggl/testing';
import { UnbilledStore } from '@vahub/worker';
import { FakeXero, type FakeXeroOptions } from '@vahub/xero/testing';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  CONFIG,
  KOALA_CONTACT,
  KOALA_PROJECT,
  TENANT,
  THAMES_CONTACT,
  THAMES_PROJECT,
} from './flows-world.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'apps/worker/src/service/main.ts');
export const PREFIX = '{vahub}';
const WATCHED = [
  'event.task',
  'event.time-entry',
  'event.calendar',
  'event.invoice',
  'schedule.replan',
  'sweep',
  'reconcile',
  'invoice.run',
  'channels.renew',
];

/** A job that finished, as QueueEvents reported it, in the order the test saw them. */
export interface Finished {
  seq: number;
  queue: string;
  jobId: string;
  outcome: 'completed' | 'failed';
  value: Record<string, unknown> | null;
  reason: string | null;
}

export interface ServiceWorld {
  redisServer: RedisServer;
  redis: Redis;
  asana: FakeAsana;
  google: FakeGoogle;
  toggl: FakeToggl;
  xero: FakeXero;
  config: Config;
  env: Record<string, string>;
  /** The grants as the workers read them (sealed in Redis). */
  tokens: RedisTokenStore;
  queues: JobQueues;
  taskMirror: TaskMirror;
  unbilled: UnbilledStore;
  vaGid: string;
  estimateGid: string;
  receiverUrl: string;
  finished: Finished[];
  /** The next job of `queue` to finish after `afterSeq` that matches. */
  waitFinished(
    queue: string,
    predicate: (f: Finished) => boolean,
    options?: { afterSeq?: number; timeoutMs?: number },
  ): Promise<Finished>;
  lastSeq(): number;
  /** Resolves once a worker has taken the job. */
  waitActive(queue: string, jobId: string): Promise<unknown>;
  /** Put the VA's grants in Redis, as `vahub connect` does (again after a flush). */
  connect(): Promise<void>;
  /** Register the Asana webhooks of the world's projects at the receiver, as the service's registration would. */
  registerAsanaWebhooks(): Promise<void>;
  /** Subscribe the receiver to a Toggl workspace's time entries (the secret goes to Redis). */
  subscribeToggl(workspaceId: string): Promise<void>;
  /** Every line the processes printed (stdout and stderr). */
  logs: string[];
  /** Start one more worker process; resolves when it is ready. */
  startWorker(): Promise<ChildProcess>;
  /** The worker processes, oldest first. */
  workers(): ChildProcess[];
  /** The planner process (`--only planner`), with `planner: 'apart'`. */
  planner(): ChildProcess | null;
  /** The receiver process (`--only webhooks`). */
  receiver(): ChildProcess;
  stop(): Promise<void>;
}

/** How long a process may take to print "service ready": tsx compiles the sources first, slow on a loaded machine. */
const START_TIMEOUT_MS = 90_000;

async function startProcess(
  env: Record<string, string>,
  args: string[],
  logs: string[],
  spawned: ChildProcess[],
): Promise<{ child: ChildProcess; url: string | null }> {
  const child = spawn(process.execPath, ['--conditions=vahub-source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.push(child);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`service did not start:\n${logs.join('\n')}`)),
      START_TIMEOUT_MS,
    );
    child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        if (line.includes('"service ready"')) {
          clearTimeout(timer);
          resolve({ child, url: (JSON.parse(line) as { url: string | null }).url });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${logs.join('\n')}`));
    });
  });
}

/** Stop a process with SIGTERM (it drains); SIGKILL after `killAfterMs`. Resolves with its exit code (null: killed). */
export function terminate(child: ChildProcess, killAfterMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** A port free right now on 127.0.0.1 (the receiver's, when the config must name its public URL). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The people and projects in the fakes, for a world with another config than the default two clients. */
export interface WorldSeed {
  config: string;
  /** The Asana projects to register webhooks for. */
  projects: string[];
  /** Fill the fakes (projects, contacts, Toggl clients) the config names. */
  seed(fakes: { asana: FakeAsana; toggl: FakeToggl; xero: FakeXero }): void;
}

const DEFAULT_SEED: WorldSeed = {
  config: CONFIG,
  projects: [KOALA_PROJECT, THAMES_PROJECT],
  seed({ asana, toggl, xero }) {
    asana.addProject({ gid: KOALA_PROJECT, name: 'Koala' });
    asana.addProject({ gid: THAMES_PROJECT, name: 'Thames' });
    for (const [contactId, name] of [
      [KOALA_CONTACT, 'Koala Co'],
      [THAMES_CONTACT, 'Thames Studio'],
    ] as const) {
      addContact(xero, contactId, name);
    }
    toggl.addWorkspace({ id: 4242 });
    toggl.addClient(4242, { id: 9001, name: 'Koala Co' });
    toggl.addProject(4242, { id: 190001, client_id: 9001, name: 'Social media' });
    toggl.addProject(4242, { id: 190101, name: 'Portfolio' });
  },
};

/** A Xero contact with a known id, in the world's organisation. */
export function addContact(xero: FakeXero, contactId: string, name: string): void {
  const tenant = xero.tenants.get(TENANT)!;
  const contact = xero.addContact({ name });
  tenant.contacts.delete(contact.ContactID);
  tenant.contacts.set(contactId, { ...contact, ContactID: contactId });
}

export interface ServiceWorldOptions {
  workers: number;
  /**
   * Give the config `webhooks.publicUrl` (the receiver's address): the workers then register every
   * webhook themselves at start. The receiver is started before the workers, so it answers the
   * handshakes.
   */
  publicUrl?: boolean;
  /** Redis with an append-only file, so `redisServer.kill()` then `start()` keeps what was written. */
  appendonly?: boolean;
  /** More options of the Xero fake (limits, latency). */
  xero?: Omit<FakeXeroOptions, 'tenants'>;
  /**
   * Clients beyond Koala and Thames, all in the same Xero organisation, each with a Toggl project of
   * its own (`extraClientProject(i)`) and no task app: `extra-0`, `extra-1`, ….
   */
  extraClients?: number;
  /** Another config and seed than the default two clients. */
  world?: WorldSeed;
  /** More environment for the processes. */
  env?: Record<string, string>;
  /**
   * `apart`: the workers take every job but the replans (`--planner elsewhere`) and one more process
   * (`--only planner`) takes the replans. @defaultValue every worker takes every job
   */
  planner?: 'apart';
}

/** The Toggl project of extra client `i` (workspace 4242). */
export const extraClientProject = (i: number) => 190_200 + i;

export async function startServiceWorld(options: ServiceWorldOptions): Promise<ServiceWorld> {
  const world = options.world ?? DEFAULT_SEED;
  const redisServer = await RedisServer.start({ appendonly: options.appendonly ?? false });
  const redis = createRedis(redisServer.url);
  // Some runs stop or restart Redis on purpose: the connections reconnect by themselves, and their
  // errors meanwhile are expected (the test asserts what the service did, not the harness's socket).
  const quiet = () => undefined;
  redis.on('error', quiet);
  const asana = new FakeAsana();
  const google = new FakeGoogle();
  const toggl = new FakeToggl();
  const xero = new FakeXero({
    ...options.xero,
    tenants: [{ tenantId: TENANT, taxRates: { OUTPUT: '10', NONE: '0' } }],
  });
  await Promise.all([asana.start(), google.start(), toggl.start(), xero.start()]);
  const va = asana.addUser({ name: 'Vera VA', token: 'va-personal-access-token' });
  const estimate = asana.addCustomField({ name: 'Estimated time' });
  world.seed({ asana, toggl, xero });
  const keyText = randomBytes(32).toString('hex');
  const key = encryptionKeyFrom(keyText);
  const env: Record<string, string> = {
    ...fakesEnv([asana, google, toggl, xero]),
    VAHUB_ENCRYPTION_KEY: keyText,
    REDIS_URL: redisServer.url,
    VAHUB_PREFIX: PREFIX,
    VAHUB_REPLAN_WINDOW_MS: '300',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const extras = Array.from({ length: options.extraClients ?? 0 }, (_, i) => {
    const contact = xero.addContact({ name: `Extra ${i}` });
    toggl.addProject(4242, { id: extraClientProject(i), name: `Extra ${i} work` });
    return [
      `  - id: extra-${i}`,
      `    name: Extra ${i}`,
      '    timezone: Australia/Sydney',
      `    toggl: { workspaceId: 4242, projectIds: [${extraClientProject(i)}] }`,
      '    billing: { currency: AUD, hourlyRate: "30.00" }',
      `    xero: { tenantId: ${TENANT}, contactId: ${contact.ContactID}, accountCode: "200", taxType: NONE }`,
    ].join('\n');
  });
  const publicPort = options.publicUrl ? await freePort() : null;
  const withClients =
    extras.length === 0 ? world.config : world.config.replace('\nauth:', `\n${extras.join('\n')}\nauth:`);
  const configText =
    publicPort === null
      ? withClients
      : `${withClients}webhooks: { publicUrl: "http://127.0.0.1:${publicPort}" }\n`;
  const config = parseVahubConfig(configText, { env });
  const dir = await mkdtemp(join(tmpdir(), 'vahub-service-'));
  const configFile = join(dir, 'vahub.config.yaml');
  await writeFile(configFile, configText);
  const state = new RedisStateStore({ redis, prefix: PREFIX, encryptionKey: key });
  const tokens = new RedisTokenStore({ redis, prefix: PREFIX, key });
  const connect = async () => {
    await tokens.set('google', google.issueGrant());
    const granted = xero.grant();
    await tokens.set('xero', {
      accessToken: granted.access_token,
      refreshToken: granted.refresh_token ?? null,
      expiresAt: Date.now() + granted.expires_in * 1000,
    });
  };
  await connect();

  const finished: Finished[] = [];
  const active: { queue: string; jobId: string }[] = [];
  const emitter = new EventEmitter();
  // BullMQ leaves connections it was handed open: closed here, or they retry after Redis is gone.
  const eventConnections: Redis[] = [];
  const events = WATCHED.map((queue) => {
    const connection = redis.duplicate();
    connection.on('error', quiet);
    eventConnections.push(connection);
    const qe = new QueueEvents(queue, { connection, prefix: PREFIX });
    qe.on('error', quiet);
    qe.on('completed', ({ jobId, returnvalue }) => {
      const value = (
        typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue
      ) as Finished['value'];
      const f: Finished = {
        seq: finished.length + 1,
        queue,
        jobId,
        outcome: 'completed',
        value,
        reason: null,
      };
      finished.push(f);
      emitter.emit('finished', f);
    });
    qe.on('active', ({ jobId }) => {
      active.push({ queue, jobId });
      emitter.emit('active', { queue, jobId });
    });
    qe.on('failed', ({ jobId, failedReason }) => {
      const f: Finished = {
        seq: finished.length + 1,
        queue,
        jobId,
        outcome: 'failed',
        value: null,
        reason: failedReason,
      };
      finished.push(f);
      emitter.emit('finished', f);
    });
    return qe;
  });
  await Promise.all(events.map((e) => e.waitUntilReady()));

  const logs: string[] = [];
  const children: ChildProcess[] = [];
  // Every process spawned, ready or not: a failed start kills them all.
  const spawned: ChildProcess[] = [];
  const apart = options.planner === 'apart';
  const startWorker = async () => {
    const args = ['--config', configFile, '--only', 'worker', ...(apart ? ['--planner', 'elsewhere'] : [])];
    const { child } = await startProcess(env, args, logs, spawned);
    children.push(child);
    return child;
  };
  let planner: ChildProcess | null = null;
  const startPlanner = async () => {
    ({ child: planner } = await startProcess(
      env,
      ['--config', configFile, '--only', 'planner'],
      logs,
      spawned,
    ));
  };
  const startReceiver = () =>
    startProcess(
      env,
      ['--config', configFile, '--only', 'webhooks', '--port', String(publicPort ?? 0)],
      logs,
      spawned,
    );
  const workerCount = Array.from({ length: options.workers });
  const planners = () => (apart ? [startPlanner()] : []);
  // The processes start side by side (each loads the sources through tsx: seconds on a busy machine),
  // or the receiver first when the workers register webhooks at start. A failed start stops them all.
  const startAll = async () => {
    if (publicPort === null) {
      return (
        await Promise.all([startReceiver(), ...workerCount.map(() => startWorker()), ...planners()])
      )[0];
    }
    const first = await startReceiver();
    await Promise.all([...workerCount.map(() => startWorker()), ...planners()]);
    return first;
  };
  const receiver = await startAll().catch(async (err: unknown) => {
    for (const child of spawned) child.kill('SIGKILL');
    await Promise.all(events.map((e) => e.close()));
    redis.disconnect();
    await Promise.all([asana.stop(), google.stop(), toggl.stop(), xero.stop()]);
    await redisServer.dispose();
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  children.push(receiver.child);
  const port = new URL(receiver.url ?? '').port;
  const receiverUrl = `http://127.0.0.1:${port}`;

  const queues = new JobQueues({ connection: redis, prefix: PREFIX });
  const built = buildConnectors(config, { tokens, state, lock: new MemoryLock(), logger: silentLogger });
  const asanaConnection = built.instances.get('asana') as unknown as AsanaConnection;
  const togglReceiver = built.instances.get('toggl')?.webhooks as TogglWebhookReceiver;
  return {
    redisServer,
    redis,
    asana,
    google,
    toggl,
    xero,
    config,
    env,
    tokens,
    queues,
    taskMirror: new TaskMirror({ redis, prefix: PREFIX }),
    unbilled: new UnbilledStore({ redis, prefix: PREFIX }),
    vaGid: va.gid,
    estimateGid: estimate.gid,
    receiverUrl,
    finished,
    lastSeq: () => finished.length,
    waitActive: (queue, jobId) =>
      firstMatch({
        emitter,
        event: 'active',
        seen: active,
        predicate: (a) => a.queue === queue && a.jobId === jobId,
        timeoutMs: 20_000,
        what: `no worker took ${queue} job ${jobId}`,
      }),
    waitFinished(queue, predicate, opts = {}) {
      const after = opts.afterSeq ?? 0;
      return firstMatch({
        emitter,
        event: 'finished',
        seen: finished,
        predicate: (f) => f.queue === queue && f.seq > after && predicate(f),
        timeoutMs: opts.timeoutMs ?? 20_000,
        what: `no ${queue} job finished as expected (logs:\n${logs.slice(-30).join('\n')})`,
      });
    },
    connect,
    logs,
    async subscribeToggl(workspaceId) {
      await togglReceiver.subscribe({ workspaceId, callbackBase: `${receiverUrl}/webhooks/toggl` });
    },
    async registerAsanaWebhooks() {
      for (const projectId of world.projects) {
        const hookKey = newHookKey();
        await registerWebhook({
          client: asanaConnection.api,
          registry: asanaConnection.handshakes,
          projectId,
          target: webhookTarget(`${receiverUrl}/webhooks/asana`, hookKey),
          hookKey,
        });
      }
    },
    startWorker,
    workers: () => children.filter((c) => c !== receiver.child),
    receiver: () => receiver.child,
    planner: () => planner,
    async stop() {
      await Promise.all([...children, ...(planner ? [planner] : [])].map(terminate));
      await Promise.all(events.map((e) => e.close()));
      for (const c of eventConnections) c.disconnect();
      await queues.close();
      await built.close();
      redis.disconnect();
      await Promise.all([asana.stop(), google.stop(), toggl.stop(), xero.stop()]);
      await redisServer.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** vahub's blocks on the fake calendar (not cancelled). */
export const blocksOf = (google: FakeGoogle, taskId?: string): StoredEvent[] =>
  google
    .events('primary')
    .filter((e) => e.json.status !== 'cancelled')
    .filter((e) => {
      const props = (e.json.extendedProperties as { private?: Record<string, string> } | undefined)?.private;
      return props?.vahubBlock === '1' && (taskId === undefined || props.vahubTask === taskId);
    });

export const startOf = (e: StoredEvent) => Date.parse((e.json.start as { dateTime: string }).dateTime);
export const endOf = (e: StoredEvent) => Date.parse((e.json.end as { dateTime: string }).dateTime);
