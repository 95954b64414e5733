import { FIRST_REPLAN_MS } from '@vahub/worker';
import type { ServiceWorld } from '../../test/support/service-world.js';
import { PROCESSES, RATES, SECONDS } from './pipeline-knobs.js';
import type { PipelineWorld, Seen } from './pipeline-world.js';
import {
  asanaDelivery,
  bareTasks,
  createTasks,
  drained,
  type Hook,
  hookFor,
  paced,
  post,
  quantile,
  quotaLifted,
  until,
} from './service-bench.js';

// The pipeline bench's latency part: new tasks delivered at a rate, to the bare pipeline and to vahub.

interface Latency {
  sent: number;
  firstCall: number[];
  block: number[];
  /** Per task, from BullMQ's job record: POST → job added, added → taken by the worker, taken → GET. */
  stages?: { added: number[]; taken: number[]; toCall: number[] };
  /** Per booked task, from the replan jobs' records: where the time to its block went. */
  blockStages?: BlockStages;
}

interface BlockStages {
  /** POST → the replan asked for (its `event.task` job finished: the ask is the handler's last step). */
  asked: number[];
  /** Asked → the replan that wrote its block was added (waiting for the replan running then to end). */
  behind: number[];
  /** Added → due (the job's delay: the window, or `FIRST_REPLAN_MS`). */
  window: number[];
  /** Due → taken by the planner. */
  taken: number[];
  /** Taken → the task's block written at the fake. */
  written: number[];
  /** Asked → the task's block written: the replan side as a whole (the event job's part taken off). */
  fromAsk: number[];
  /** Per replan of the run: taken → finished, taken → first write, and the writes it sent. */
  runs: { ms: number[]; toFirstWrite: number[]; writes: number[] };
  /** Every request the calendar fake answered during the replans (reads, inserts, 409s, patches). */
  calendarCalls: number;
}

/** Where each booked task's time to its block went, from the replan and event jobs' timestamps. */
async function blockStagesOf(w: ServiceWorld, sentAt: Map<string, number>, seen: Seen): Promise<BlockStages> {
  const since = Math.min(...sentAt.values());
  const replans = (await w.queues.queue('schedule.replan').getJobs(['completed'], 0, -1))
    .filter((j) => j.processedOn !== undefined && j.finishedOn !== undefined && j.processedOn >= since)
    .sort((a, b) => a.processedOn! - b.processedOn!);
  const askedAt = new Map<string, number>();
  for (const job of await w.queues.queue('event.task').getJobs(['completed'], 0, -1)) {
    const gid = (job.data as { resourceId: string | null }).resourceId ?? '';
    if (sentAt.has(gid) && job.finishedOn !== undefined) askedAt.set(gid, job.finishedOn);
  }
  const out: BlockStages = {
    asked: [],
    behind: [],
    window: [],
    taken: [],
    written: [],
    fromAsk: [],
    runs: { ms: [], toFirstWrite: [], writes: [] },
    calendarCalls: 0,
  };
  for (const r of replans) {
    out.calendarCalls += seen.calls.filter((t) => t >= r.processedOn! && t <= r.finishedOn!).length;
    const writes = seen.writes.filter((t) => t >= r.processedOn! && t <= r.finishedOn!);
    out.runs.ms.push(r.finishedOn! - r.processedOn!);
    out.runs.writes.push(writes.length);
    if (writes.length > 0) out.runs.toFirstWrite.push(Math.min(...writes) - r.processedOn!);
  }
  for (const [gid, at] of seen.blockAt) {
    const sent = sentAt.get(gid);
    const asked = askedAt.get(gid);
    const run = replans.find((r) => r.processedOn! <= at && at <= r.finishedOn!);
    if (sent === undefined || asked === undefined || run === undefined) continue;
    const due = run.timestamp + (run.opts.delay ?? 0);
    out.asked.push(asked - sent);
    out.behind.push(Math.max(0, run.timestamp - asked));
    out.window.push(due - Math.max(run.timestamp, asked));
    out.taken.push(run.processedOn! - due);
    out.written.push(at - run.processedOn!);
    out.fromAsk.push(at - asked);
  }
  return out;
}

/** Where each task's time to its first vendor call went, from its `event.task` job's timestamps. */
async function stagesOf(w: ServiceWorld, sentAt: Map<string, number>, firstRead: Map<string, number>) {
  const jobs = await w.queues.queue('event.task').getJobs(['completed'], 0, -1);
  const stages = { added: [] as number[], taken: [] as number[], toCall: [] as number[] };
  for (const job of jobs) {
    const gid = (job.data as { resourceId: string | null }).resourceId ?? '';
    const sent = sentAt.get(gid);
    const read = firstRead.get(gid);
    if (sent === undefined || read === undefined || job.processedOn === undefined) continue;
    stages.added.push(job.timestamp - sent);
    stages.taken.push(job.processedOn - job.timestamp);
    stages.toCall.push(read - job.processedOn);
  }
  return stages;
}

async function measure(
  w: ServiceWorld,
  seen: Seen,
  url: (i: number) => string,
  hook: (i: number) => Hook,
  rate: number,
  label: string,
  withBlocks: boolean,
): Promise<Latency> {
  const count = Math.round(rate * SECONDS);
  const gids = withBlocks ? createTasks(w, count, label) : bareTasks(w, count, label);
  const sentAt = new Map<string, number>();
  const statuses: number[] = [];
  await paced(count, rate, async (i) => {
    const gid = gids[i]!;
    const d = asanaDelivery(hook(i), gid, 'added');
    sentAt.set(gid, Date.now());
    statuses.push(await post(url(i), d));
  });
  const bad = statuses.filter((s) => s !== 200);
  if (bad.length > 0) {
    const byStatus = new Map<number, number>();
    for (const s of bad) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
    const counts = [...byStatus].map(([s, n]) => `${n}× ${s}`);
    throw new Error(
      `bench: ${bad.length} of ${count} deliveries not accepted (${label}): ${counts.join(', ')}`,
    );
  }
  await until(() => gids.every((g) => seen.firstRead.has(g)), `${label}: every task read`, 120_000);
  if (withBlocks) await drained(w, 'schedule.replan');
  const firstCall = gids.map((g) => seen.firstRead.get(g)! - sentAt.get(g)!);
  const block = gids.filter((g) => seen.blockAt.has(g)).map((g) => seen.blockAt.get(g)! - sentAt.get(g)!);
  if (!withBlocks) return { sent: count, firstCall, block };
  return {
    sent: count,
    firstCall,
    block,
    stages: await stagesOf(w, sentAt, seen.firstRead),
    blockStages: await blockStagesOf(w, sentAt, seen),
  };
}

const f = (v: number) => v.toFixed(0).padStart(5);
const line = (xs: number[]) => `p50 ${f(quantile(xs, 0.5))} ms  p95 ${f(quantile(xs, 0.95))} ms`;

/** A round of new tasks at `rate` delivered to vahub, Asana's quota lifted: to the first call and the block. */
export const vahubRound = ({ w, seen, hooks }: PipelineWorld, rate: number) =>
  quotaLifted(w, () =>
    measure(
      w,
      seen,
      (i) => hookFor(hooks, i).target,
      (i) => hookFor(hooks, i),
      rate,
      `vahub ${rate}/s`,
      true,
    ),
  );

/** The latency rounds at `rate` (the bare pipeline's, before and after vahub's), and their lines. */
export async function latency(world: PipelineWorld, rate: number): Promise<void> {
  const { w, seen, hooks, bareUrl, windowMs } = world;
  const bareHook = () => hooks[0]!;
  const quiet = rate === RATES[0] ? await quotaLifted(w, () => loneTasks(w, seen, hooks)) : null;
  const bare1 = await measure(w, seen, () => bareUrl, bareHook, rate, `bare ${rate}/s`, false);
  const vahub = await vahubRound(world, rate);
  const bare2 = await measure(w, seen, () => bareUrl, bareHook, rate, `bare ${rate}/s`, false);
  const b = [bare1, bare2].reduce((x, y) =>
    quantile(y.firstCall, 0.95) < quantile(x.firstCall, 0.95) ? y : x,
  );
  const bareP95 = quantile(b.firstCall, 0.95);
  const vahubP95 = quantile(vahub.firstCall, 0.95);
  const blockP95 = quantile(vahub.block, 0.95);
  console.log(`${rate} events/s, ${vahub.sent} new tasks (${SECONDS} s), ${PROCESSES}:`);
  console.log(`  bare pipeline, first call      ${line(b.firstCall)}   (better of 2 rounds)`);
  console.log(`  vahub, first vendor call       ${line(vahub.firstCall)}`);
  if (vahub.stages) {
    const { added, taken, toCall } = vahub.stages;
    console.log(`    of which POST → job added     ${line(added)}   (the receiver)`);
    console.log(`    job added → taken            ${line(taken)}   (the queue, the worker's loop)`);
    console.log(`    taken → GET at the fake      ${line(toCall)}   (the handler before its call)`);
  }
  console.log(
    `  vahub, block written           ${line(vahub.block)}   (${vahub.block.length} tasks booked; the rest did not fit the week)`,
  );
  console.log(
    `  debounce window ${windowMs} ms; block written less the window: p50 ${f(quantile(vahub.block, 0.5) - windowMs)} ms  p95 ${f(blockP95 - windowMs)} ms (target < 100 at 50/s)`,
  );
  if (vahub.blockStages) {
    const { asked, behind, window, taken, written, runs, calendarCalls } = vahub.blockStages;
    console.log(`    of which POST → replan asked  ${line(asked)}   (the event job, to its last step)`);
    console.log(`    asked → its replan added     ${line(behind)}   (behind the replan running then)`);
    console.log(`    added → due                  ${line(window)}   (the job's delay: window or first ask)`);
    console.log(`    due → taken by the planner   ${line(taken)}   (the queue)`);
    console.log(`    taken → block written        ${line(written)}   (the replan, to this task's write)`);
    const fromAskLessWindow = vahub.blockStages.fromAsk.map((ms) => ms - windowMs);
    console.log(
      `    asked → written, less window ${line(fromAskLessWindow)}   (the replan side alone: the event job's part taken off)`,
    );
    console.log(
      `  replans: ${runs.ms.length}, taken → finished ${line(runs.ms)}, taken → first write ${line(runs.toFirstWrite)}, writes per replan p50 ${f(quantile(runs.writes, 0.5))} max ${f(Math.max(...runs.writes))}`,
    );
    console.log(
      `  calendar calls during the replans: ${calendarCalls}, ${(calendarCalls / vahub.block.length).toFixed(2)} per task booked`,
    );
  }
  console.log(
    `  first call p95 ${(vahubP95 / bareP95).toFixed(2)}× bare; target ≤ 3× + 5 ms = ${(3 * bareP95 + 5).toFixed(0)} ms: ${vahubP95 <= 3 * bareP95 + 5 ? 'met' : 'missed'}`,
  );
  if (quiet)
    console.log(
      `  a lone new task after a quiet window, ${quiet.length} times: block written p50 ${f(quantile(quiet, 0.5))} ms  max ${f(Math.max(...quiet))} ms (first ask replanned after ${FIRST_REPLAN_MS} ms, not the window)`,
    );
}

/** New tasks one at a time, each after the replans are done and a window has passed: POST to block written. */
async function loneTasks(w: ServiceWorld, seen: Seen, hooks: Hook[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    await drained(w, 'schedule.replan');
    const [gid] = createTasks(w, 1, `lone ${i}`);
    const sent = Date.now();
    await post(hookFor(hooks, 0).target, asanaDelivery(hookFor(hooks, 0), gid!, 'added'));
    await until(() => seen.blockAt.has(gid!), `lone task ${i} booked`, 60_000, 5);
    out.push(seen.blockAt.get(gid!)! - sent);
  }
  return out;
}
