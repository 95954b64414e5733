// From source: see scheduling.bench.ts.
import { planSchedule } from '../packages/core/src/index.js';
import { edfGreedy, readInput } from './scheduling-reference.js';
import { speedInstance } from './scheduling-workload.js';

/**
 * One of the engine or the greedy, alone in this process: warmed up 40 times on the instance, then
 * the best CPU time of 20 runs, printed as JSON. `scheduling.bench.ts` runs it once for each, so
 * neither pays for the other's garbage: timed interleaved in one process, the greedy at 16,000 tasks
 * takes 84–110 ms against 40–60 ms alone (the engine's heap is collected during its runs), which
 * flatters the engine's ratio. Usage: `scheduling-alone.ts engine|greedy <tasks>`.
 */
const [which, tasksArg] = process.argv.slice(2);
if (which !== 'engine' && which !== 'greedy')
  throw new Error('usage: scheduling-alone.ts engine|greedy <tasks>');
const input = speedInstance(Number(tasksArg ?? 2_000), 0.02);
const run = which === 'engine' ? () => planSchedule(input) : () => edfGreedy(readInput(input));
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
for (let i = 0; i < 40; i++) run();
let best = Number.POSITIVE_INFINITY;
for (let i = 0; i < 20; i++) {
  const t = cpu();
  run();
  best = Math.min(best, cpu() - t);
}
console.log(JSON.stringify({ which, ms: best }));
