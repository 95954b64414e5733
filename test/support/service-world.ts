// The service end to end: a private Redis, the four fakes over HTTP, and the receiver and workers as
// separate processes (apps/worker/src/service/main.ts), each reading the same config file.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { fakesEnv } from '@vahub/testkit';
import type { TogglWebhookReceiver } from '@vahub/toggl';
import { FakeToggl } from '@vahub/toggl/testing';
import { UnbilledStore } from '@vahub/worker';
import { FakeXero, type FakeXeroOptions } from '@vahub/xero/testing';
import type { Redis } from 'ioredis';
import { TENANT, xeroGrant } from './flows-world.js';
import { type JobWatch, watchJobs } from './job-watch.js';
import { freePort, startProcess, terminate } from './service-processes.js';
import { DEFAULT_SEED, type WorldSeed, withExtraClients } from './world-seed.js';

export const PREFIX = '{vahub}';
export interface ServiceWorld extends Omit<JobWatch, 'close'> {
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
  const publicPort = options.publicUrl ? await freePort() : null;
  const withClients = withExtraClients(world.config, options.extraClients ?? 0, { toggl, xero });
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
    await tokens.set('xero', xeroGrant(xero));
  };
  await connect();

  const logs: string[] = [];
  const watch = await watchJobs(redis, PREFIX, logs);
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
    await watch.close();
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
    finished: watch.finished,
    lastSeq: watch.lastSeq,
    waitActive: watch.waitActive,
    waitFinished: watch.waitFinished,
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
      await watch.close();
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

/** Add the job the receiver adds for a new time entry in workspace 4242, straight to the queue. */
export const addTimeEntryEvent = (queues: JobQueues, entryId: number, eventId: string) =>
  queues.add('event.time-entry', {
    provider: 'toggl',
    eventId,
    action: 'created',
    resourceId: String(entryId),
    scope: '4242',
    at: null,
    receivedAt: new Date().toISOString(),
  });
