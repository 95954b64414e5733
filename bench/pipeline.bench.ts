import { ONLY_THROUGHPUT, RATES } from './support/pipeline-knobs.js';
import { latency, vahubRound } from './support/pipeline-latency.js';
import { throughput } from './support/pipeline-throughput.js';
import { startPipelineWorld } from './support/pipeline-world.js';

/**
 * The service end to end (`test/support/service-world.ts`: a private Redis, the four fakes over HTTP,
 * the receiver and one worker as separate processes of `main.ts`), beside a bare pipeline in the same
 * run on the same Redis and the same task-app fake (`bench/bare/pipeline.ts`: an Express route that
 * checks one HMAC and adds one BullMQ job, and a BullMQ worker that makes one HTTP call per job, as
 * two processes too).
 *
 * 1. Latency: signed Asana deliveries of new tasks (one event each) sent at 50 and at 500 events/s;
 *    for each task, the time from the POST to the first vendor call (the worker's GET of the task)
 *    and to its block written at the calendar fake (the replan runs after the debounce window, printed
 *    apart and taken out). Targets: first call p95 ≤ 3× the bare pipeline's + 5 ms; block written
 *    p95 < 100 ms at 50/s, window excluded. A fresh world per rate: the calendar has room for about
 *    60 blocks a week, so only the first tasks of a run are booked (the count is printed). The block
 *    written time is split by the jobs' own timestamps: the event job to its replan ask, the wait
 *    behind the replan running then, the job's delay, the queue, and the replan up to the task's write;
 *    and from the ask to the block, less the window: the replan side alone, without the event job
 *    (which falls behind first when the machine is loaded).
 * vahub's runs are made with Asana's quota lifted (`quotaLifted`: the shared limiter's windows emptied
 * every 20 ms), so they measure the service's own work: with the quota on, 150 calls/min per token
 * bound the service at 2.5 new tasks/s whatever it does (a run of 300 jobs measured 3 jobs/s).
 * vahub runs as the docs recommend for a busy VA: the replans in a planner process of their own
 * (`--only planner` beside `--planner elsewhere`); `BENCH_PIPELINE_PLANNER=together` runs them in
 * the one worker process instead (what `vahub start` does by default).
 * 2. Throughput with instant fakes: `event.task` jobs added straight to the queue (300 `changed`
 *    events of booked tasks) versus as many bare jobs, best of 2 rounds each, alternating, after
 *    `BENCH_PIPELINE_WARM` (5) unmeasured rounds of each (warm-up: see pipeline-knobs.ts). Target ≥ 0.5×.
 *    Two kinds of vahub rounds: the tasks as the mirror holds them (an event for a field vahub
 *    ignores: no replan asked, since the `throughput` branch), and each task renamed first (a change
 *    to mirror, a replan owed: what every job did until then). Each prints how many jobs asked, the
 *    planner process's CPU during each round and the calendar calls until the round's replans are done.
 *    `BENCH_PIPELINE_ONLY=throughput` runs only this part (after one vahub round at the first rate,
 *    unprinted, to book the tasks the jobs refer to): 1–2 min instead of 2–3, for trying changes.
 * The parts, in bench/support: pipeline-world.ts (the world at one rate and what the fakes saw when),
 * pipeline-latency.ts (1), pipeline-throughput.ts (2), pipeline-knobs.ts (the environment variables).
 */

/** A fresh world per rate; the throughput part at the first rate, after its latency rounds. */
async function atRate(rate: number): Promise<void> {
  const world = await startPipelineWorld();
  const { w, hooks, seen, barePid } = world;
  try {
    if (ONLY_THROUGHPUT) {
      await vahubRound(world, rate);
      await throughput(w, hooks, seen, barePid);
      return;
    }
    await latency(world, rate);
    if (rate === RATES[0]) await throughput(w, hooks, seen, barePid);
  } finally {
    await world.stop();
  }
}

export default async function run(): Promise<void> {
  for (const rate of ONLY_THROUGHPUT ? RATES.slice(0, 1) : RATES) await atRate(rate);
}
