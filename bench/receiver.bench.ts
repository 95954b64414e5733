import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signHmacSha256 } from '@vahub/core';
import { createRedis } from '@vahub/jobs';
import { deleteKeys } from '@vahub/jobs/testing';
import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { RECEIVER_CONFIG, SECRETS, xeroInvoiceDelivery } from '../test/support/receiver-world.js';
import { stopProcess } from './support/service-bench.js';

/**
 * The webhook receiver at 50 concurrent connections, beside a bare Express route measured in the same
 * run on the same Redis: the bare route (bench/bare/receiver.ts) reads the raw body, computes one
 * HMAC, and adds one BullMQ job. vahub's receiver runs as `vahub start --only webhooks` does (main.ts,
 * its log lines to a file) and does what a delivery needs: the connector's receiver (here Xero's: HMAC
 * over the raw bytes, zod parse of the delivery, one event per invoice), a job per event added once
 * per event identity (BullMQ's deduplication, in the add's script), metrics and one log line. Each server is its own process, started
 * with the same loader; this process only generates the load. Every delivery is a new event, so
 * nothing collapses. A bad signature is measured too: it must be rejected no slower than a good one is taken.
 * Targets: throughput ≥ 0.85× the bare route's, p99 ≤ 1.5×. For information, a second bare route
 * does the same work on Node's HTTP (bench/bare/receiver-http.ts), as vahub serves its webhooks:
 * Express's dispatch costs more CPU per request than a webhook's own work, so the ratio to it says
 * what vahub's work costs.
 */

const CONCURRENCY = 50;
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
const REQUESTS = Number(process.env.BENCH_RECEIVER_REQUESTS ?? 3_000);
const WARMUP = 1_000;
/**
 * `good`: only the well-signed rounds, so both servers take the same requests (for a profile of
 * each, e.g. `perf record` on both pids); the bad-signature and mixed rounds are skipped.
 */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
const GOOD_ONLY = process.env.BENCH_RECEIVER_ONLY === 'good';
/** Rounds of each kind, alternating which server goes first; the best of each is compared. */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
const ROUNDS = Number(process.env.BENCH_RECEIVER_ROUNDS ?? 3);
const KEY = SECRETS.XERO_WEBHOOK_KEY;

interface Prepared {
  body: Buffer;
  signature: string;
  good: boolean;
}

/** A Xero delivery of one invoice event, unique per `n`, signed (or not) with the webhook key. */
function delivery(n: number, good: boolean): Prepared {
  const id = `55d84274-a3da-4829-a7c0-${n.toString(16).padStart(12, '0')}`;
  const body = Buffer.from(xeroInvoiceDelivery(id, n, `bench${n}`));
  const signature = signHmacSha256(good ? KEY : `${KEY}-wrong`, body, 'base64');
  return { body, signature, good };
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** The server process's CPU time per request (user + system), in µs: less disturbed by a busy machine than req/s. */
  cpuUs: number;
  /** This process's (the load generator's) CPU time per request, in µs. */
  clientUs: number;
  /** Redis's CPU time per request (both servers share one Redis, one round at a time), in µs. */
  redisUs: number;
  /** p99 of the well-signed requests and of the others (a mixed round has both), in ms. */
  p99Good: number;
  p99Bad: number;
  statuses: Record<number, number>;
}

const TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A process's CPU time so far (Linux: /proc/<pid>/stat's utime + stime), in µs. */
async function cpuOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_S) * 1e6;
}

/** Redis's CPU time so far (INFO cpu: used_cpu_user + used_cpu_sys), in µs. */
async function redisCpuOf(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (read('used_cpu_user') + read('used_cpu_sys')) * 1e6;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** `inputs.length` POSTs to `url`, `CONCURRENCY` at a time over kept-alive connections. */
async function load(server: Server, inputs: readonly Prepared[], redis: Redis): Promise<Figures> {
  const { url } = server;
  const pid = server.child.pid ?? 0;
  const cpuBefore = await cpuOf(pid);
  const redisBefore = await redisCpuOf(redis);
  const clientBefore = process.cpuUsage();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const byKind: Record<'good' | 'bad', number[]> = { good: [], bad: [] };
  const statuses: Record<number, number> = {};
  let next = 0;
  const one = (p: Prepared) =>
    new Promise<void>((resolve, reject) => {
      const start = process.hrtime.bigint();
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': String(p.body.length),
            'x-xero-signature': p.signature,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            latencies.push(ms);
            byKind[p.good ? 'good' : 'bad'].push(ms);
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(p.body);
    });
  const began = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < inputs.length) {
        const p = inputs[next++];
        if (p) await one(p);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const client = process.cpuUsage(clientBefore);
  const clientUs = (client.user + client.system) / inputs.length;
  const cpuUs = ((await cpuOf(pid)) - cpuBefore) / inputs.length;
  const redisUs = ((await redisCpuOf(redis)) - redisBefore) / inputs.length;
  agent.destroy();
  for (const l of [latencies, byKind.good, byKind.bad]) l.sort((a, b) => a - b);
  return {
    rps: inputs.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    cpuUs,
    clientUs,
    redisUs,
    p99Good: quantile(byKind.good, 0.99),
    p99Bad: quantile(byKind.bad, 0.99),
    statuses,
  };
}

interface Server {
  url: string;
  child: ChildProcess;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Both servers are started alike: the same loader, each in its own process, apart from the load.
const LOADER = ['--conditions=vahub-source', '--import', 'tsx'];
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
const PROFILE_DIR = process.env.BENCH_RECEIVER_CPU_PROF;

/**
 * Start a server process with its output (vahub's log lines included) going to a file, not to this
 * process, and wait (at most 60 s) for its ready line. `BENCH_RECEIVER_CPU_PROF=<dir>` profiles it.
 */
async function startProcess(name: string, args: string[], env: Record<string, string>, dir: string) {
  const log = join(dir, `${name}.log`);
  const out = await open(log, 'w');
  // One profile per thread (tsx's loader runs in one too): CPU.<date>.<pid>.<thread>.cpuprofile.
  const prof = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [];
  const child = spawn(process.execPath, [...LOADER, ...prof, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out.fd, out.fd],
  });
  await out.close();
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `${name} exited with ${code ?? signal}`;
  });
  const began = Date.now();
  for (;;) {
    const text = await readFile(log, 'utf8');
    const ready = text
      .split('\n')
      .filter((l) => l.includes('ready"'))
      .map((l) => JSON.parse(l) as { msg: string; url: string | null })
      .find((l) => l.msg === 'bare ready' || l.msg === 'service ready');
    if (ready?.url) return { child, url: ready.url.replace('0.0.0.0', '127.0.0.1') } satisfies Server;
    if (exited || Date.now() - began > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`${exited ?? `${name} not ready in 60 s`}:\n${text.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A bare baseline: raw body, one HMAC (constant time), one BullMQ job (bench/bare/receiver-work.ts),
 * on an Express route (`receiver.ts`, the issue's baseline) or on Node's HTTP (`receiver-http.ts`).
 */
async function startBare(name: string, file: string, prefix: string, dir: string): Promise<Server> {
  const env = { REDIS_URL: testRedisUrl(), BARE_PREFIX: `{${prefix}}`, BARE_SECRET: KEY };
  return startProcess(name, [join(ROOT, 'bench/bare', file)], env, dir);
}

/** vahub's receiver as `vahub start --only webhooks` runs it: the real connectors' receivers, pino at info. */
async function startVahub(prefix: string, dir: string): Promise<Server> {
  const config = join(dir, 'vahub.config.yaml');
  await writeFile(config, RECEIVER_CONFIG);
  const env = {
    ...SECRETS,
    REDIS_URL: testRedisUrl(),
    VAHUB_PREFIX: `{${prefix}}`,
    VAHUB_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
  };
  const main = join(ROOT, 'apps/worker/src/service/main.ts');
  const server = await startProcess(
    'vahub',
    [main, '--config', config, '--only', 'webhooks', '--port', '0'],
    env,
    dir,
  );
  return { ...server, url: `${server.url}/webhooks/xero` };
}

async function unlinkPrefix(redis: Redis, prefix: string): Promise<void> {
  await deleteKeys(redis, `{${prefix}`);
}

const fmt = (f: Figures) =>
  `${f.rps.toFixed(0).padStart(6)} req/s  p50 ${f.p50.toFixed(2).padStart(6)} ms  p99 ${f.p99.toFixed(2).padStart(6)} ms  ${f.cpuUs.toFixed(0).padStart(4)} µs CPU/req  ${JSON.stringify(f.statuses)}`;

/** The median round's server CPU per request. */
const cpuMedian = (runs: Figures[]) =>
  quantile(
    runs.map((r) => r.cpuUs).sort((a, b) => a - b),
    0.5,
  );

/** The round with the best throughput: the least disturbed by whatever else shares the machine. */
const best = (runs: Figures[]) => runs.reduce((a, b) => (b.rps > a.rps ? b : a));

export default async function run(): Promise<void> {
  const redis = createRedis(testRedisUrl());
  const prefix = uniquePrefix('bench-receiver');
  const dir = await mkdtemp(join(tmpdir(), 'vahub-bench-receiver-'));
  const servers: Server[] = [];
  try {
    const bare = await startBare('bare', 'receiver.ts', `${prefix}-bare`, dir);
    servers.push(bare);
    const http = await startBare('bare-http', 'receiver-http.ts', `${prefix}-http`, dir);
    servers.push(http);
    const vahub = await startVahub(`${prefix}-vahub`, dir);
    servers.push(vahub);
    let n = 0;
    const batch = (count: number, good = true) => Array.from({ length: count }, () => delivery(++n, good));
    // Good and bad deliveries interleaved: both kinds meet the same machine at the same moment.
    const mixed = (count: number) => Array.from({ length: count }, (_, i) => delivery(++n, i % 2 === 0));
    await load(bare, batch(WARMUP), redis);
    await load(http, batch(WARMUP), redis);
    await load(vahub, batch(WARMUP), redis);
    const bareRuns: Figures[] = [];
    const httpRuns: Figures[] = [];
    const vahubRuns: Figures[] = [];
    const badRuns: Figures[] = [];
    const mixedRuns: Figures[] = [];
    // Rounds alternate which goes first, so neither always runs on a warmer (or busier) machine.
    for (let round = 0; round < ROUNDS; round++) {
      const runBare = async () => bareRuns.push(await load(bare, batch(REQUESTS), redis));
      const runHttp = async () => httpRuns.push(await load(http, batch(REQUESTS), redis));
      const runVahub = async () => vahubRuns.push(await load(vahub, batch(REQUESTS), redis));
      if (round % 2 === 0) await runBare().then(runHttp).then(runVahub);
      else await runVahub().then(runHttp).then(runBare);
      if (GOOD_ONLY) continue;
      badRuns.push(await load(vahub, batch(REQUESTS, false), redis));
      mixedRuns.push(await load(vahub, mixed(REQUESTS), redis));
    }
    const b = best(bareRuns);
    const h = best(httpRuns);
    const v = best(vahubRuns);
    console.log(
      `signed webhooks, ${CONCURRENCY} connections, ${REQUESTS} requests per round, best of ${ROUNDS}:`,
    );
    console.log(`  bare express + HMAC + BullMQ add   ${fmt(b)}`);
    console.log(`  vahub receiver, good signature     ${fmt(v)}`);
    console.log(
      `  throughput ${(v.rps / b.rps).toFixed(2)}× bare (target ≥ 0.85)   p99 ${(v.p99 / b.p99).toFixed(2)}× bare (target ≤ 1.5)   p50 ${(v.p50 / b.p50).toFixed(2)}× bare`,
    );
    const [cb, ch, cv] = [bareRuns, httpRuns, vahubRuns].map(cpuMedian) as [number, number, number];
    console.log(`  bare node:http + HMAC + BullMQ add  ${fmt(h)}`);
    console.log(
      `  for information, vahub beside the node:http route (Express's dispatch left out of both): throughput ${(v.rps / h.rps).toFixed(2)}×, server CPU per request ${(cv / ch).toFixed(2)}× (median rounds ${ch.toFixed(0)} and ${cv.toFixed(0)} µs)`,
    );
    // When the load generator needs about as much CPU per request as the server, it shares the limit.
    const clients = [...bareRuns, ...vahubRuns].map((r) => r.clientUs).sort((a, b) => a - b);
    const [rb, rv] = [bareRuns, vahubRuns].map((runs) =>
      quantile(
        runs.map((r) => r.redisUs).sort((a, b) => a - b),
        0.5,
      ),
    ) as [number, number];
    const clientLine = [
      `  Redis CPU per request, median round: bare ${rb.toFixed(0)} µs, vahub good ${rv.toFixed(0)} µs (${(rv / rb).toFixed(2)}×); server + Redis ${((cv + rv) / (cb + rb)).toFixed(2)}× bare`,
      `  load generator CPU per request, median round: ${quantile(clients, 0.5).toFixed(0)} µs`,
    ].join('\n');
    if (GOOD_ONLY) {
      console.log(
        `  server CPU per request, median round: bare ${cb.toFixed(0)} µs, vahub good ${cv.toFixed(0)} µs (${(cv / cb).toFixed(2)}×); bad-signature rounds skipped (BENCH_RECEIVER_ONLY=good)`,
      );
      console.log(clientLine);
      return;
    }
    const bad = best(badRuns);
    console.log(`  vahub receiver, bad signature      ${fmt(bad)}`);
    console.log(
      `  bad vs good: throughput ${(bad.rps / v.rps).toFixed(2)}×, p99 ${(bad.p99 / v.p99).toFixed(2)}× (rejected no slower than accepted: p99 ≤ 1)`,
    );
    const cbad = cpuMedian(badRuns);
    console.log(
      `  server CPU per request, median round: bare ${cb.toFixed(0)} µs, vahub good ${cv.toFixed(0)} µs (${(cv / cb).toFixed(2)}×), bad ${cbad.toFixed(0)} µs (${(cbad / cv).toFixed(2)}× good)`,
    );
    const ratios = mixedRuns.map((r) => r.p99Bad / r.p99Good).sort((a, b) => a - b);
    console.log(
      `  mixed rounds (half bad, interleaved): bad p99 / good p99 ${ratios.map((r) => r.toFixed(2)).join(', ')}× (≤ 1: rejected no slower)`,
    );
    console.log(clientLine);
  } finally {
    await Promise.all(servers.map((s) => stopProcess(s.child)));
    await unlinkPrefix(redis, prefix);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  }
}
