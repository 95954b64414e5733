import { QueueEvents } from 'bullmq';
import type { ServiceWorld } from '../../test/support/service-world.js';
import { COUNT_ADDS, JOBS, PLANNER_IN_ROUNDS, PROCESSES, WARM_ROUNDS } from './pipeline-knobs.js';
import type { Seen } from './pipeline-world.js';
import { calendarCalls, replanCommands } from './round-watch.js';
import {
  cpuMs,
  drained,
  type Hook,
  limitedCalls,
  quotaLifted,
  taskEventRound,
  until,
} from './service-bench.js';

// The pipeline bench's throughput part: `event.task` jobs added straight to the queue, against as many
// bare jobs.

/** `JOBS` jobs added at once; the time until the last one completed. */
export async function throughput(
  w: ServiceWorld,
  hooks: Hook[],
  seen: Seen,
  barePid: number | undefined,
): Promise<void> {
  const vahubPid = w.workers()[0]?.pid;
  // What the replans read and the fakes hold as the part starts: more after the latency part's rounds
  // (and after a quarter-hourly task sweep, which mirrors every task at the app) than alone.
  const mirrored = await Promise.all(w.config.clients.map((c) => w.taskMirror.list(c.id)));
  const atStart = `${w.asana.state.tasks.size} tasks at the task app, ${mirrored.flat().length} in vahub's task mirror, ${w.google.events().length} events at the calendar`;
  const cpu = { bare: [] as number[], vahub: [] as number[], changed: [] as number[] };
  const asked = { vahub: [] as number[], changed: [] as number[] };
  // Calls the limiter sent back during a round: each one's job waited out Asana's minute, so a round
  // with any measured the quota, not the service (none expected: see `quotaLifted`).
  const limited = { vahub: [] as number[], changed: [] as number[] };
  const besides = { vahub: [] as string[], changed: [] as string[] };
  const gids = [...seen.blockAt.keys()];
  const booked = gids.length > 0 ? gids : [...seen.firstRead.keys()];
  // BullMQ leaves a connection it was handed open: closed below, or it retries after Redis is gone.
  const eventsConnection = w.redis.duplicate();
  const bareEvents = new QueueEvents('bare.event', { connection: eventsConnection, prefix: '{bare}' });
  await bareEvents.waitUntilReady();
  let bareDone = 0;
  bareEvents.on('completed', () => {
    bareDone += 1;
  });
  const bareQueue = w.queues.queue('event.task').constructor as unknown as typeof import('bullmq').Queue;
  const bq = new bareQueue('bare.event', { connection: w.redis, prefix: '{bare}' });
  const runBare = async () => {
    const start = bareDone;
    const began = performance.now();
    const cpuBefore = cpuMs(barePid);
    await bq.addBulk(
      Array.from({ length: JOBS }, (_, i) => ({
        name: 'bare.event',
        data: { gid: booked[i % booked.length] },
        opts: { removeOnComplete: true },
      })),
    );
    await until(() => bareDone - start >= JOBS, 'bare jobs done', 120_000, 10);
    cpu.bare.push((cpuMs(barePid) - cpuBefore) / JOBS);
    return JOBS / ((performance.now() - began) / 1000);
  };
  // `changed`: each task renamed in the fake first (straight in its state: no webhook of its own),
  // so every job finds a change to mirror and a replan is owed, as for a real edit.
  let renames = 0;
  const planner = PLANNER_IN_ROUNDS === 'stopped' ? w.planner() : null;
  const counted = COUNT_ADDS ? await replanCommands(w) : null;
  const adds = { vahub: [] as string[], changed: [] as string[] };
  // The replans' share of the two cores and of Google: the planner's CPU during each round, and the
  // calendar calls from the round's start until its replans are done.
  const plannerPid = w.planner()?.pid;
  const plannerCpu = { vahub: [] as number[], changed: [] as number[] };
  const calendar = calendarCalls(w);
  const calls = { vahub: [] as string[], changed: [] as string[] };
  const runVahub = async (kind: 'vahub' | 'changed') => {
    planner?.kill('SIGSTOP');
    counted?.reset();
    calendar.mark();
    try {
      return await quotaLifted(w, () => runVahubOnce(kind));
    } finally {
      if (counted) adds[kind].push(counted.summary());
      planner?.kill('SIGCONT');
      await drained(w, 'schedule.replan');
      calls[kind].push(calendar.summary());
    }
  };
  const runVahubOnce = async (kind: 'vahub' | 'changed') => {
    if (kind === 'changed') {
      renames += 1;
      for (const gid of booked) {
        const task = w.asana.state.tasks.get(gid);
        if (task) task.name = `${task.name.replace(/ · \d+$/, '')} · ${renames}`;
      }
    }
    const seq = w.lastSeq();
    const logsBefore = w.logs.length;
    const cpuBefore = cpuMs(vahubPid);
    const plannerBefore = plannerPid === undefined ? 0 : cpuMs(plannerPid);
    const rate = await taskEventRound(w, {
      count: JOBS,
      gids: booked,
      label: 'bench',
      scope: (i) => hooks[i % 2]!.projectId,
    });
    cpu[kind].push((cpuMs(vahubPid) - cpuBefore) / JOBS);
    limited[kind].push(limitedCalls(w, logsBefore));
    if (plannerPid !== undefined) plannerCpu[kind].push(cpuMs(plannerPid) - plannerBefore);
    // Other jobs finished meanwhile (the replans' calendar changes come back as calendar events, taken
    // by the same worker process): part of the CPU above, not of the event.task jobs themselves.
    const others = new Map<string, number>();
    for (const f of w.finished)
      if (f.seq > seq && f.queue !== 'event.task') others.set(f.queue, (others.get(f.queue) ?? 0) + 1);
    besides[kind].push([...others].map(([q, n]) => `${n} ${q}`).join(' + ') || 'none');
    asked[kind].push(
      w.finished.filter(
        (f) => f.queue === 'event.task' && f.seq > seq && (f.value as { replan?: boolean })?.replan,
      ).length,
    );
    return rate;
  };
  // `WARM_ROUNDS` unmeasured rounds of each kind (the bare worker's too) first: CPU per job falls from
  // round to round as the workers warm up (see `WARM_ROUNDS`), and without these the unchanged kind
  // always had the last, warmest measured round.
  for (let i = 0; i < WARM_ROUNDS; i++) {
    await runBare();
    await runVahub('changed');
    await runVahub('vahub');
  }
  const warm = (kind: keyof typeof cpu) => cpu[kind].map((ms) => ms.toFixed(2)).join(', ');
  const warming = `bare ${warm('bare')}; unchanged ${warm('vahub')}; renamed ${warm('changed')} ms`;
  cpu.bare.length = 0;
  for (const kind of ['vahub', 'changed'] as const) {
    cpu[kind].length = 0;
    asked[kind].length = 0;
    limited[kind].length = 0;
    besides[kind].length = 0;
    adds[kind].length = 0;
    plannerCpu[kind].length = 0;
    calls[kind].length = 0;
  }
  const bareRates: number[] = [];
  const vahubRates: number[] = [];
  const changedRates: number[] = [];
  for (let round = 0; round < 2; round++) {
    if (round % 2 === 0) {
      bareRates.push(await runBare());
      vahubRates.push(await runVahub('vahub'));
      changedRates.push(await runVahub('changed'));
    } else {
      changedRates.push(await runVahub('changed'));
      vahubRates.push(await runVahub('vahub'));
      bareRates.push(await runBare());
    }
  }
  await counted?.stop();
  await bq.close();
  await bareEvents.close();
  eventsConnection.disconnect();
  const b = Math.max(...bareRates);
  const bc = Math.min(...cpu.bare);
  console.log(
    `worker throughput, ${JOBS} jobs added at once, instant fakes, ${PROCESSES}${planner ? ' (stopped during the rounds)' : ''} (4 at a time), replan window ${w.env.VAHUB_REPLAN_WINDOW_MS} ms, best of 2:`,
  );
  console.log(`  at the start: ${atStart}; the jobs name ${booked.length} booked tasks`);
  console.log(`  CPU per job in the ${WARM_ROUNDS} unmeasured rounds of each kind: ${warming}`);
  console.log(`  bare BullMQ worker, one GET per job   ${b.toFixed(0).padStart(5)} jobs/s`);
  const rows = [
    ['vahub', 'event.task, tasks unchanged ', vahubRates, 'an event for a field vahub ignores'],
    ['changed', 'event.task, each task renamed', changedRates, 'a change to mirror and plan'],
  ] as const;
  for (const [kind, label, rates, what] of rows) {
    const v = Math.max(...rates);
    // CPU per job does not move with the machine's load as a rate does: the least of the rounds.
    const vc = Math.min(...cpu[kind]);
    console.log(
      `  vahub ${label} ${v.toFixed(0).padStart(5)} jobs/s   ratio ${(v / b).toFixed(2)}× bare (target ≥ 0.5): ${v / b >= 0.5 ? 'met' : 'missed'}   (${what}; replans asked per round: ${asked[kind].join(', ')} of ${JOBS})`,
    );
    console.log(
      `    CPU per job (the worker process, least of 2): bare ${bc.toFixed(2)} ms, vahub ${vc.toFixed(2)} ms, ${(vc / bc).toFixed(2)}× bare (its inverse, ${(bc / vc).toFixed(2)}×, is the throughput ratio on a free core)`,
    );
    console.log(`    other jobs finished during each round: ${besides[kind].join('; ')}`);
    console.log(`    vendor calls the limiter sent back during each round: ${limited[kind].join(', ')}`);
    if (counted) console.log(`    replan commands at Redis per round: ${adds[kind].join('; ')}`);
    if (plannerPid !== undefined)
      console.log(
        `    the planner process's CPU during each round: ${plannerCpu[kind].map((ms) => `${ms.toFixed(0)} ms (${(ms / JOBS).toFixed(2)} per job)`).join(', ')}`,
      );
    console.log(`    calendar calls per round, its replans included: ${calls[kind].join('; ')}`);
  }
}
