import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type PlanInput,
  type PlanResult,
  planSchedule,
  // From source: `npm run bench` runs without the `vahub-source` condition, so '@vahub/core' would
  // load whatever stale dist/ a build last left behind.
} from '../packages/core/src/index.js';
import { edfGreedy, readInput } from './scheduling-reference.js';
import { calendarOf, speedInstance } from './scheduling-workload.js';

/**
 * The scheduling engine's speed beside a plain greedy measured in the same run on the same input:
 * read the input (instants, deadlines in the clients' zones, working windows less busy time), then
 * earliest deadline first over the sorted free intervals. The engine does more (existing blocks,
 * the overload policy, explanations, the check that planning again changes nothing); the target is
 * to stay within 3× of the greedy, with cost growing linearly in tasks plus busy intervals and flat
 * in the share of overdue work. Figures are CPU time (the best of several interleaved rounds), so a
 * busy machine does not blur them.
 */
const ROUNDS = 9;
const WARM_UP = 12;

/** CPU time of the process in ms (user + system): what a busy machine does not inflate. */
function cpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time of each function, run `rounds` times interleaved (so that anything else on the machine
 * slows all alike); the best of each.
 */
function interleaved<T extends unknown[]>(
  fns: { [K in keyof T]: () => T[K] },
  rounds: number,
): { ms: number[]; values: T } {
  const values = fns.map((fn) => fn()) as T;
  const ms = fns.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const t = cpu();
      values[i] = fn();
      ms[i] = Math.min(ms[i] as number, cpu() - t);
    });
  }
  return { ms, values };
}

interface Row {
  size: number;
  engine: number;
  replan: number;
  greedy: number;
}

function measure(label: string | null, input: PlanInput, rounds = ROUNDS): Row {
  const again = { ...input, blocks: calendarOf(planSchedule(input)) };
  const {
    ms: [greedy, engine, replan],
    values: [, plan, replanned],
  } = interleaved<[unknown, PlanResult, PlanResult]>(
    [() => edfGreedy(readInput(input)), () => planSchedule(input), () => planSchedule(again)],
    rounds,
  );
  const [g, e, r] = [greedy, engine, replan] as [number, number, number];
  const changed = replanned.create.length + replanned.move.length + replanned.delete.length;
  if (label !== null)
    console.log(
      `${label}: engine ${e.toFixed(1)} ms CPU (${plan.create.length} blocks, ` +
        `${plan.shortfalls.length} tasks short) | replan of its own result ${r.toFixed(1)} ms ` +
        `(${changed} changes) | greedy ${g.toFixed(1)} ms | engine / greedy ${(e / g).toFixed(2)}x, ` +
        `replan / greedy ${(r / g).toFixed(2)}x`,
    );
  return { size: input.tasks.length + input.busy.length, engine: e, replan: r, greedy: g };
}

/** The engine or the greedy timed alone in a child process (`scheduling-alone.ts`): CPU ms. */
function alone(which: string, tasks: number): number {
  const script = fileURLToPath(new URL('./scheduling-alone.ts', import.meta.url));
  const out = execFileSync(
    process.execPath,
    ['--conditions=vahub-source', '--import', 'tsx', script, which, String(tasks)],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out.trim().split('\n').at(-1) as string) as { ms: number }).ms;
}

export default async function run(): Promise<void> {
  // Warm-up (not printed): the first instance measured would otherwise pay for compiling both. CPU
  // time counts V8's compiler threads too, and on a busy machine optimising the engine takes a
  // dozen runs: with only three, the first figures measured the compiler as much as the planner.
  measure(null, speedInstance(3_000, 0.1), WARM_UP);
  const small = measure('2,000 tasks / 5,000 busy, 30 days, 2% overdue', speedInstance(2_000, 0.02));
  const large = measure('16,000 tasks / 40,000 busy, 30 days, 2% overdue', speedInstance(16_000, 0.02), 4);
  console.log(
    `growth from ${small.size} to ${large.size} tasks + intervals (x${(large.size / small.size).toFixed(1)}): ` +
      `engine x${(large.engine / small.engine).toFixed(2)}, replan x${(large.replan / small.replan).toFixed(2)}, ` +
      `greedy x${(large.greedy / small.greedy).toFixed(2)}`,
  );
  for (const tasks of [2_000, 16_000]) {
    const [engine, greedy] = ['engine', 'greedy'].map((which) => alone(which, tasks)) as [number, number];
    console.log(
      `${tasks.toLocaleString('en')} tasks, each alone in its own process (best of 20 after 40 warm-ups): ` +
        `engine ${engine.toFixed(1)} ms CPU | greedy ${greedy.toFixed(1)} ms | engine / greedy ${(engine / greedy).toFixed(2)}x`,
    );
  }
  const shares = [0, 0.2, 0.4].map((share) =>
    measure(`4,000 tasks / 10,000 busy, ${Math.round(share * 100)}% overdue`, speedInstance(4_000, share)),
  );
  const [none, , most] = shares as [Row, Row, Row];
  console.log(
    `overdue share 0% → 40% at 4,000 tasks: engine x${(most.engine / none.engine).toFixed(2)}, ` +
      `replan x${(most.replan / none.replan).toFixed(2)}, greedy x${(most.greedy / none.greedy).toFixed(2)}`,
  );
}
