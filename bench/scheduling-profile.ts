import { Session } from 'node:inspector/promises';
// From source: see scheduling.bench.ts.
import { planSchedule } from '../packages/core/src/index.js';
import { speedInstance } from './scheduling-workload.js';

/**
 * Where the planner's time goes on the speed benchmark's workload, once V8 has optimised it:
 * `node --conditions=vahub-source --import tsx bench/scheduling-profile.ts [tasks] [overdue share]`
 * samples 40 plans after 25 unmeasured ones and prints the functions that take the most time, by
 * their own time and with what they call (within `planSchedule`), as shares of the samples.
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

const tasks = Number(process.argv[2] ?? 2_000);
const overdue = Number(process.argv[3] ?? 0.02);
const input = speedInstance(tasks, overdue);
for (let i = 0; i < 25; i++) planSchedule(input);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 250 });
await session.post('Profiler.start');
for (let i = 0; i < 40; i++) planSchedule(input);
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const nodes = new Map<number, Node>(profile.nodes.map((n) => [n.id, n as Node]));
const parent = new Map<number, number>();
for (const n of nodes.values()) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() ?? ''}`.trim();
const own = new Map<string, number>();
const within = new Map<string, number>();
let total = 0;
let planning = 0;
profile.samples?.forEach((id, i) => {
  const dt = profile.timeDeltas?.[i] ?? 0;
  total += dt;
  const leaf = nodes.get(id) as Node;
  own.set(name(leaf), (own.get(name(leaf)) ?? 0) + dt);
  const stack: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    stack.push(name(nodes.get(at) as Node));
  }
  if (!stack.some((s) => s.startsWith('planSchedule '))) return;
  planning += dt;
  const inside = stack.slice(0, stack.findIndex((s) => s.startsWith('planSchedule ')) + 1);
  for (const s of new Set(inside)) within.set(s, (within.get(s) ?? 0) + dt);
});
const top = (m: Map<string, number>, of: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([k, v]) => `  ${((100 * v) / of).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(
  `${tasks} tasks, ${Math.round(overdue * 100)}% overdue: ${(total / 40_000).toFixed(1)} ms a plan`,
);
console.log(`own time, share of all samples (garbage collection included):\n${top(own, total)}`);
console.log(`with what they call, share of the time in planSchedule:\n${top(within, planning)}`);
