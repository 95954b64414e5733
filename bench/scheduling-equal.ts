import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
// From source: see scheduling.bench.ts.
import {
  type PlanInput,
  type PlanResult,
  planSchedule,
  toCalendarBlock,
} from '../packages/core/src/index.js';
import { arbGridInput, arbPlanInput } from '../packages/core/src/scheduling/test-arbitraries.js';
import { qualityInstance, speedInstance } from './scheduling-workload.js';

/**
 * Whether this planner plans exactly as another version of it: the JSON of both results (field
 * order included, or the text of the error thrown) compared on the speed and quality workloads and
 * on samples of the property tests' generators, each planned, planned again from its result, with an
 * added meeting, with batching and breaks, and (generated ones) with blocks that carry an extra field
 * or list their fields in another order. For changes meant to leave every plan as it was:
 * `git archive <commit> packages/core package.json | tar -x -C /tmp/old`, `ln -s $PWD/node_modules
 * /tmp/old/`, then `node --conditions=vahub-source --import tsx bench/scheduling-equal.ts
 * /tmp/old/packages/core/src/index.ts [samples] [--big]` (`--big`: the 4,000- and 16,000-task
 * instances too). Prints the inputs compared and the first that differ; exits 1 if any does.
 */
const args = process.argv.slice(2);
const path = args.find((a) => a.endsWith('.ts') || a.endsWith('.js'));
if (!path) throw new Error('usage: scheduling-equal.ts <other packages/core/src/index.ts> [samples] [--big]');
const other = (await import(pathToFileURL(path).href)) as { planSchedule: (input: PlanInput) => unknown };
const samples = Number(args.find((a) => /^\d+$/.test(a)) ?? 300);
const big = args.includes('--big');

let compared = 0;
let differ = 0;
const json = (plan: (i: PlanInput) => unknown, input: PlanInput): string => {
  try {
    return JSON.stringify(plan(input));
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
};
/** Compares both planners on `input`; returns this planner's result as JSON. */
const check = (label: string, input: PlanInput): string => {
  compared++;
  const mine = json(planSchedule, input);
  if (json(other.planSchedule, input) !== mine && ++differ <= 5) console.log(`differs: ${label}`);
  return mine;
};
/** The calendar a result leaves, as the next plan reads it. */
const after = (input: PlanInput, result: string): PlanInput => {
  if (result.startsWith('throws')) return input;
  const r = JSON.parse(result) as PlanResult;
  const blocks = [...r.keep, ...r.move, ...r.create, ...r.ignored.map((i) => i.block)];
  return { ...input, blocks: blocks.map(toCalendarBlock) };
};
const meeting = (input: PlanInput, k: number): PlanInput => {
  const at = Date.parse(input.now) + (26 + k * 7) * 3_600_000;
  const busy = { start: new Date(at).toISOString(), end: new Date(at + 30 * 60_000).toISOString() };
  return { ...input, busy: [...input.busy, busy] };
};
const batched = (input: PlanInput, batching: 'adjacent' | 'client-days'): PlanInput => ({
  ...input,
  settings: { ...input.settings, batching, clientBreakMinutes: 10 },
});

const sizes: [number, number][] = big
  ? [
      [600, 0.3],
      [2_000, 0.02],
      [3_000, 0.1],
      [4_000, 0],
      [4_000, 0.2],
      [4_000, 0.4],
      [16_000, 0.02],
    ]
  : [
      [600, 0.3],
      [2_000, 0.02],
    ];
for (const [tasks, overdue] of sizes) {
  const input = speedInstance(tasks, overdue);
  const again = after(input, check(`speed ${tasks}/${overdue}`, input));
  check(`speed ${tasks}/${overdue} planned again`, again);
  check(`speed ${tasks}/${overdue} with a meeting`, meeting(again, 1));
  check(`speed ${tasks}/${overdue} batched`, batched(input, 'adjacent'));
}
for (const load of [0.8, 1.0, 1.5, 2.5]) {
  for (let seed = 0; seed < 10; seed++) {
    const input = qualityInstance(seed, load);
    const again = after(input, check(`quality ${seed}/${load}`, input));
    check(`quality ${seed}/${load} planned again`, again);
    for (let k = 0; k < 3; k++) check(`quality ${seed}/${load} with meeting ${k}`, meeting(again, k));
    for (const how of ['adjacent', 'client-days'] as const) {
      const input2 = batched(input, how);
      const again2 = after(input2, check(`quality ${seed}/${load} ${how}`, input2));
      check(`quality ${seed}/${load} ${how} with a meeting`, meeting(again2, 2));
    }
  }
}
const generators: [string, fc.Arbitrary<PlanInput>][] = [
  ['generated', arbPlanInput({ blocks: true })],
  ['generated without blocks', arbPlanInput({ blocks: false })],
  ['grid', arbGridInput({ releases: true, maxTasks: 8 })],
];
for (const [name, arb] of generators) {
  fc.sample(arb, { numRuns: samples, seed: 42 }).forEach((input, n) => {
    const again = after(input, check(`${name} ${n}`, input));
    check(`${name} ${n} planned again`, again);
    // Blocks as a caller may pass them: with a field of its own, or fields in another order.
    const odd = again.blocks.map((b, i) =>
      i % 2 ? { ...b, etag: `e${i}` } : (Object.fromEntries(Object.entries(b).reverse()) as typeof b),
    );
    check(`${name} ${n} odd blocks`, { ...again, blocks: odd });
    check(`${name} ${n} with a meeting`, meeting(again, n % 5));
  });
}
console.log(`${compared} inputs compared, ${differ} differ`);
if (differ > 0) process.exitCode = 1;
