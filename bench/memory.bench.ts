// biome-ignore-all lint/suspicious/noUndeclaredEnvVars: bench knobs, not build inputs
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG } from '../test/support/flows-world.js';
import { startServiceWorld } from '../test/support/service-world.js';
import {
  asanaDelivery,
  bareEnv,
  createTasks,
  drained,
  hookFor,
  median,
  paced,
  post,
  quotaLifted,
  reconciled,
  rssMb,
  startBare,
  stopProcess,
  takeAsanaHooks,
  until,
} from './support/service-bench.js';

/**
 * Resident memory (VmRSS) of the service's receiver and worker processes idle, at the peak of 500
 * events/s (`changed` events of 100 tasks, Asana's quota lifted), and `BENCH_MEMORY_SETTLE_S` seconds
 * after (default 60), beside the bare receiver and bare BullMQ worker (`bench/bare/pipeline.ts`)
 * loaded the same way; all run with the same loader (`node --import tsx`). Targets: receiver idle
 * ≤ 1.5× bare; worker (all four SDKs) ≤ 2× bare; back within 10% of idle after the load.
 * The load runs `BENCH_MEMORY_ROUNDS` times (default 2), each followed by the settle: a last round
 * that ends where the first did shows no leak.
 * Then start-up: `main.ts` (receiver and worker in one process, what `vahub start` runs) and
 * `main.ts --only webhooks` to their "service ready" line, beside `node -e 0`,
 * `node --import tsx -e 0` and the bare process; median of 3.
 */

const SETTLE_S = Number(process.env.BENCH_MEMORY_SETTLE_S ?? 60);
const RATE = 500;
const LOAD_S = Number(process.env.BENCH_MEMORY_LOAD_S ?? 3);
/** A second round that ends where the first did shows no leak. */
const ROUNDS = Number(process.env.BENCH_MEMORY_ROUNDS ?? 2);
const MAIN = fileURLToPath(new URL('../apps/worker/src/service/main.ts', import.meta.url));

interface Track {
  idle: number;
  peak: number;
  /** After each round's settle. */
  after: number[];
}

const mb = (x: number) => `${x.toFixed(0).padStart(4)} MB`;

function spawnUntil(args: string[], env: Record<string, string>, ready: string | null): Promise<number> {
  const began = performance.now();
  const child = spawn(process.execPath, args, {
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
      if (ready && out.includes(ready)) {
        const ms = performance.now() - began;
        child.removeAllListeners('exit');
        void stopProcess(child).then(() => resolve(ms));
      }
    });
    child.once('exit', (code) => {
      if (ready === null && code === 0) resolve(performance.now() - began);
      else reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
}

export default async function run(): Promise<void> {
  const w = await startServiceWorld({ workers: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'vahub-bench-'));
  const bare: Awaited<ReturnType<typeof startBare>>[] = [];
  try {
    const gids = createTasks(w, 100, 'memory');
    await reconciled(w);
    const hooks = await takeAsanaHooks(w);
    const env = bareEnv(w, hooks[0]!);
    bare.push(await startBare('receiver', env), await startBare('worker', env));
    const pids = {
      receiver: w.receiver().pid,
      worker: w.workers()[0]?.pid,
      bareReceiver: bare[0]?.child.pid,
      bareWorker: bare[1]?.child.pid,
    };
    type Name = keyof typeof pids;
    const names = Object.keys(pids) as Name[];
    const tracks = Object.fromEntries(
      names.map((n): [Name, Track] => [n, { idle: rssMb(pids[n]), peak: 0, after: [] }]),
    ) as Record<Name, Track>;
    const rssOf = (n: Name) => {
      try {
        return rssMb(pids[n]);
      } catch {
        throw new Error(
          `${n} (pid ${pids[n]}) has exited; the service's last lines:\n${w.logs.slice(-20).join('\n')}`,
        );
      }
    };
    const sample = () => {
      for (const n of names) tracks[n].peak = Math.max(tracks[n].peak, rssOf(n));
    };
    const count = RATE * LOAD_S;
    const bareUrl = bare[0]!.url!;
    for (let round = 1; round <= ROUNDS; round++) {
      // A process that dies mid-run ends the bench through `finally` (no orphans), saying which.
      let died: unknown = null;
      const sampler = setInterval(() => {
        try {
          sample();
        } catch (err) {
          died ??= err;
        }
      }, 100);
      // vahub under load: the receiver takes the deliveries, the worker reads each task and replans.
      const before = w.lastSeq();
      await quotaLifted(w, async () => {
        await paced(count, RATE, (i) =>
          post(hookFor(hooks, i).target, asanaDelivery(hookFor(hooks, i), gids[i % gids.length]!, 'changed')),
        );
        await until(
          () => w.finished.filter((x) => x.queue === 'event.task' && x.seq > before).length >= count,
          'vahub events done',
          180_000,
        );
        await drained(w, 'schedule.replan');
      });
      // The bare pair under the same load.
      const readsBefore = w.asana.server.requests.length;
      await paced(count, RATE, (i) =>
        post(bareUrl, asanaDelivery(hooks[0]!, gids[i % gids.length]!, 'changed')),
      );
      await until(() => w.asana.server.requests.length - readsBefore >= count, 'bare events done', 180_000);
      clearInterval(sampler);
      if (died) throw died;
      sample();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_S * 1000));
      for (const n of names) tracks[n].after.push(rssOf(n));
    }
    const rounds = Array.from({ length: ROUNDS }, (_, i) => `after ${i + 1}`.padStart(8)).join(' ');
    console.log(`resident memory, ${count} events at ${RATE}/s, then ${SETTLE_S} s idle, ${ROUNDS} rounds:`);
    console.log(`                    idle     peak ${rounds}   last/idle`);
    for (const n of names) {
      const t = tracks[n];
      const last = t.after.at(-1)!;
      console.log(
        `  ${n.padEnd(14)}  ${mb(t.idle)}  ${mb(t.peak)} ${t.after.map(mb).join(' ')}   ${(last / t.idle).toFixed(2)}`,
      );
    }
    const r = tracks.receiver.idle / tracks.bareReceiver.idle;
    const k = tracks.worker.idle / tracks.bareWorker.idle;
    console.log(`  receiver idle ${r.toFixed(2)}× bare (target ≤ 1.5): ${r <= 1.5 ? 'met' : 'missed'}`);
    console.log(`  worker idle ${k.toFixed(2)}× bare (target ≤ 2): ${k <= 2 ? 'met' : 'missed'}`);
    for (const n of ['receiver', 'worker'] as const) {
      const after = tracks[n].after;
      const worst = Math.max(...after) / tracks[n].idle;
      console.log(
        `  ${n} ${SETTLE_S} s after: ${after.map((a) => (a / tracks[n].idle).toFixed(2)).join(', ')}× idle (target ≤ 1.10): ${worst <= 1.1 ? 'met' : 'missed'}; last round / first ${(after.at(-1)! / after[0]!).toFixed(2)}`,
      );
    }

    // Start-up.
    const file = join(dir, 'vahub.config.yaml');
    await writeFile(file, CONFIG);
    const service = ['--conditions=vahub-source', '--import', 'tsx', MAIN, '--config', file, '--port', '0'];
    const times: Record<string, number[]> = {
      'node -e 0': [],
      'node --import tsx -e 0': [],
      'bare both': [],
      'vahub main.ts': [],
      'vahub --only webhooks': [],
    };
    for (let i = 0; i < 3; i++) {
      times['node -e 0']!.push(await spawnUntil(['-e', '0'], {}, null));
      times['node --import tsx -e 0']!.push(await spawnUntil(['--import', 'tsx', '-e', '0'], {}, null));
      times['bare both']!.push(
        await spawnUntil(
          ['--import', 'tsx', fileURLToPath(new URL('bare/pipeline.ts', import.meta.url)), 'both'],
          env,
          '"bare ready"',
        ),
      );
      times['vahub main.ts']!.push(await spawnUntil(service, w.env, '"service ready"'));
      times['vahub --only webhooks']!.push(
        await spawnUntil([...service, '--only', 'webhooks'], w.env, '"service ready"'),
      );
    }
    console.log('start-up to ready, median of 3:');
    const base = median(times['node -e 0']!);
    for (const [name, xs] of Object.entries(times)) {
      console.log(
        `  ${name.padEnd(24)} ${median(xs).toFixed(0).padStart(6)} ms   ${(median(xs) / base).toFixed(1)}× node -e 0`,
      );
    }
  } finally {
    for (const b of bare) await stopProcess(b.child);
    await w.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
