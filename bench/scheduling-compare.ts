import { pathToFileURL } from 'node:url';
// From source: see scheduling.bench.ts.
import { type PlanInput, planSchedule } from '../packages/core/src/index.js';
import { edfGreedy, readInput } from './scheduling-reference.js';
import { speedInstance } from './scheduling-workload.js';

/**
 * This planner beside another version of it and the greedy, timed interleaved in one process, so
 * that a busy machine slows all three alike (runs of the speed bench minutes apart differ by more
 * than most changes). The other version is any checkout's `packages/core/src/index.ts`, e.g.
 * `git archive <commit> packages/core package.json | tar -x -C /tmp/old` and then
 * `node --conditions=vahub-source --import tsx bench/scheduling-compare.ts /tmp/old/packages/core/src/index.ts [tasks] [rounds]`.
 * Prints CPU ms (min, lower quartile, median) and the ratios to the greedy.
 */
const [path, tasksArg, roundsArg] = process.argv.slice(2);
if (!path)
  throw new Error('usage: scheduling-compare.ts <other packages/core/src/index.ts> [tasks] [rounds]');
const other = (await import(pathToFileURL(path).href)) as { planSchedule: (input: PlanInput) => unknown };
const tasks = Number(tasksArg ?? 2_000);
const rounds = Number(roundsArg ?? 40);

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const input = speedInstance(tasks, 0.02);
const warm = speedInstance(3_000, 0.1);
const runs: [string, (i: PlanInput) => unknown][] = [
  ['greedy', (i) => edfGreedy(readInput(i))],
  ['other', other.planSchedule],
  ['this', planSchedule],
];
for (let r = 0; r < 12; r++) for (const [, fn] of runs) fn(warm);
const ms = runs.map((): number[] => []);
for (let r = 0; r < rounds; r++) {
  runs.forEach(([, fn], i) => {
    const t = cpu();
    fn(input);
    ms[i]?.push(cpu() - t);
  });
}
const stats = ms.map((list) => {
  const s = [...list].sort((a, b) => a - b);
  const at = (q: number) => s[Math.floor(q * (s.length - 1))] as number;
  return { min: at(0), q1: at(0.25), median: at(0.5) };
});
const greedy = stats[0] as { min: number; q1: number; median: number };
runs.forEach(([name], i) => {
  const { min, q1, median } = stats[i] as typeof greedy;
  console.log(
    `${tasks} tasks, ${name.padEnd(6)} min ${min.toFixed(1)} q1 ${q1.toFixed(1)} median ${median.toFixed(1)} ms` +
      ` | / greedy ${(min / greedy.min).toFixed(2)}x, ${(q1 / greedy.q1).toFixed(2)}x, ${(median / greedy.median).toFixed(2)}x`,
  );
});
