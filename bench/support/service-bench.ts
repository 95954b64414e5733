import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deleteKeys } from '@vahub/jobs/testing';
import { KOALA_PROJECT, THAMES_PROJECT } from '../../test/support/flows-world.js';
import type { ServiceWorld } from '../../test/support/service-world.js';

/** What the service benchmarks share: pacing, percentiles, RSS, signed Asana deliveries, the bare processes. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BARE = fileURLToPath(new URL('../bare/pipeline.ts', import.meta.url));

export const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
export const median = (values: readonly number[]) => quantile(values, 0.5);

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/**
 * CPU time a process has used so far (user + system), in ms, from /proc (Linux; USER_HZ is 100).
 * Unlike a rate, it does not move with what else the machine runs.
 */
export function cpuMs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, in parentheses): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** An Asana webhook the receiver registered: its URL and secret, to deliver to it ourselves. */
export interface Hook {
  target: string;
  secret: string;
  projectId: string;
}

/**
 * Register both projects' webhooks at the receiver (the real handshake), then take them away from the
 * fake, so the fake delivers nothing by itself and the bench decides when each delivery is sent.
 */
export async function takeAsanaHooks(w: ServiceWorld): Promise<Hook[]> {
  await w.registerAsanaWebhooks();
  const hooks = [...w.asana.webhooks.values()].map((h) => ({
    target: h.target,
    secret: h.secret,
    projectId: h.resource.gid,
  }));
  w.asana.webhooks.clear();
  return hooks;
}

let stamp = Date.parse('2026-11-28T09:00:00.000Z');

/** A signed Asana delivery of one task event (`added` to the project, or `changed`), as Asana sends it. */
export function asanaDelivery(hook: Hook, taskGid: string, action: 'added' | 'changed') {
  stamp += 1;
  const event = {
    user: { gid: '1', resource_type: 'user' },
    resource: { gid: taskGid, resource_type: 'task', resource_subtype: 'default_task' },
    type: 'task',
    action,
    ...(action === 'added'
      ? { parent: { gid: hook.projectId, resource_type: 'project' } }
      : { change: { field: 'due_on', action: 'changed' } }),
    created_at: new Date(stamp).toISOString(),
  };
  const body = JSON.stringify({ events: [event] });
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-hook-signature': createHmac('sha256', hook.secret).update(body).digest('hex'),
    },
  };
}

/** POST a delivery; resolves with the status (never throws: a failed POST is status 0). */
export async function post(
  url: string,
  d: { body: string; headers: Record<string, string> },
): Promise<number> {
  try {
    const res = await fetch(url, { method: 'POST', headers: d.headers, body: d.body });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Call `send(i)` `count` times at `perSecond`, in 10 ms ticks; resolves when every call has settled. */
export async function paced(count: number, perSecond: number, send: (i: number) => Promise<unknown>) {
  const began = performance.now();
  const pending: Promise<unknown>[] = [];
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - began) / 1000) * perSecond) + 1);
    while (sent < due) pending.push(send(sent++));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(pending);
}

/** Poll `condition` every `everyMs` until it holds; throws after `timeoutMs` naming `what`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
  everyMs = 50,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** New open tasks in the fake, alternating the two clients' projects, due 3–6 days out, 30 min each. */
export function createTasks(
  w: ServiceWorld,
  count: number,
  label: string,
  options: { inProjects?: boolean } = {},
): string[] {
  const day = 86_400_000;
  return Array.from(
    { length: count },
    (_, i) =>
      w.asana.createTask({
        name: `${label} ${i}`,
        projects: options.inProjects === false ? [] : [i % 2 === 0 ? KOALA_PROJECT : THAMES_PROJECT],
        assignee: w.vaGid,
        dueOn: new Date(Date.now() + (3 + (i % 4)) * day).toISOString().slice(0, 10),
        customFields: { [w.estimateGid]: 30 },
      }).gid,
  );
}

/**
 * Tasks for the bare pipeline: as `createTasks` makes them, but in no project, so in no client of
 * vahub's. The bare worker reads them by id; vahub's task sweep (every 15 minutes by the clock) reads
 * its clients' projects, so it never mirrors them and never plans them beside vahub's own.
 */
export const bareTasks = (w: ServiceWorld, count: number, label: string) =>
  createTasks(w, count, label, { inProjects: false });

/** The hook of a task's project (tasks alternate projects as `createTasks` makes them). */
export const hookFor = (hooks: readonly Hook[], i: number) =>
  hooks.find((h) => h.projectId === (i % 2 === 0 ? KOALA_PROJECT : THAMES_PROJECT)) ?? hooks[0]!;

/** Wait until no run of `queue` is waiting, delayed (schedulers apart) or active, twice in a row. */
export async function drained(w: ServiceWorld, queue: string, timeoutMs = 120_000) {
  let quiet = 0;
  await until(
    async () => {
      const jobs = await w.queues.queue(queue as 'sweep').getJobs(['waiting', 'delayed', 'active']);
      quiet = jobs.filter((j) => !j.repeatJobKey).length === 0 ? quiet + 1 : 0;
      return quiet >= 3;
    },
    `${queue} drained`,
    timeoutMs,
    200,
  );
}

/** Reconcile every client and wait for it and the replans it asks for: the world as a worker start leaves it. */
export async function reconciled(w: ServiceWorld): Promise<void> {
  const seq = w.lastSeq();
  await w.queues.add('reconcile', { clientId: null });
  await w.waitFinished('reconcile', () => true, { afterSeq: seq, timeoutMs: 60_000 });
  await drained(w, 'schedule.replan');
}

/**
 * Add `count` `event.task` jobs at once ("changed", for the tasks `gids` in turn, scope from
 * `scope`), wait until every one has finished and return the jobs a second. The replans they asked
 * for are the caller's to wait for (`drained`), after whatever else it measures.
 */
export async function taskEventRound(
  w: ServiceWorld,
  options: { count: number; gids: readonly string[]; label: string; scope: (i: number) => string },
): Promise<number> {
  const { count, gids } = options;
  const seq = w.lastSeq();
  const began = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      w.queues.add('event.task', {
        provider: 'asana',
        eventId: `${options.label}-${++eventSeq}`,
        action: 'changed',
        resourceId: gids[i % gids.length]!,
        scope: options.scope(i),
        at: null,
        receivedAt: new Date().toISOString(),
      }),
    ),
  );
  await until(
    () => w.finished.filter((x) => x.queue === 'event.task' && x.seq > seq).length >= count,
    'event.task jobs done',
    120_000,
    10,
  );
  return count / ((performance.now() - began) / 1000);
}
let eventSeq = 0;

/** Start a bare process (`receiver`, `worker` or `both`) with the same loader as the service. */
export function startBare(
  mode: 'receiver' | 'worker' | 'both',
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string | null; ms: number }> {
  const began = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', BARE, mode], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"bare ready"'));
      if (line)
        resolve({
          child,
          url: (JSON.parse(line) as { url: string | null }).url,
          ms: performance.now() - began,
        });
    });
    // Before it is ready this rejects; after, it says why a baseline died mid-run (stopProcess removes it).
    child.once('exit', (code, signal) => {
      const error = new Error(`bare ${mode} exited with ${code ?? signal}:\n${out.slice(-4000)}`);
      reject(error);
      console.error(error.message);
    });
  });
}

/** SIGTERM a process and wait for it to exit (SIGKILL after 10 s). */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.removeAllListeners('exit');
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The environment of the bare processes against a world: its Redis, the task app, one hook's secret. */
export function bareEnv(w: ServiceWorld, hook: Hook): Record<string, string> {
  return {
    REDIS_URL: w.redisServer.url,
    BARE_PREFIX: '{bare}',
    BARE_SECRET: hook.secret,
    BARE_TARGET: w.asana.endpoints().api,
    BARE_TOKEN: 'va-personal-access-token',
  };
}

/**
 * Empty the shared rate limiter's windows (the world's private Redis): the service keeps to Asana's
 * free quota (150 calls/min per token), which a bench of hundreds of events would otherwise measure
 * instead of the service's own work. Each benchmark says where it does this.
 */
export async function resetLimits(w: ServiceWorld): Promise<void> {
  await deleteKeys(w.redis, '{vahub}:limit:');
}

/** The vendor calls sent back by the limiter (`rate_limited`) in the service's log lines from `from` on. */
export function limitedCalls(w: ServiceWorld, from: number): number {
  return w.logs.slice(from).filter((line) => line.includes('"code":"rate_limited"')).length;
}

/**
 * How often `quotaLifted` empties the windows: 150 calls fit between two, 7,500 calls/s. Was 100 ms
 * (1,500 calls/s), under a throughput round's pace with the limiter's reserves: now and then a call
 * found the window full and its job waited out the rest of the minute (a round of 5 jobs/s).
 */
const LIFT_EVERY_MS = 20;

/** Run `work` with the limiter's windows emptied every 20 ms (Asana's quota lifted), see `resetLimits`. */
export async function quotaLifted<T>(w: ServiceWorld, work: () => Promise<T>): Promise<T> {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void resetLimits(w).finally(() => {
      busy = false;
    });
  }, LIFT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
