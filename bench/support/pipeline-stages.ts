import type { LoggedRequest } from '@vahub/testkit';
import type { ServiceWorld } from '../../test/support/service-world.js';

/** The pipeline bench's split of a task's time by the jobs' own timestamps, and its watch on the fakes. */

export interface BlockStages {
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
export async function blockStagesOf(
  w: ServiceWorld,
  sentAt: Map<string, number>,
  seen: ReturnType<typeof watch>,
): Promise<BlockStages> {
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
export async function stagesOf(w: ServiceWorld, sentAt: Map<string, number>, firstRead: Map<string, number>) {
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

/** Watch the fakes: when each task is first read at the task app and its first block written. */
export function watch(w: ServiceWorld) {
  const firstRead = new Map<string, number>();
  const blockAt = new Map<string, number>();
  /** Every block write (insert, move, delete) the calendar fake accepted, and every request, when it came. */
  const writes: number[] = [];
  const calls: number[] = [];
  w.asana.server.on('request', (r: LoggedRequest) => {
    const gid = r.method === 'GET' ? /\/tasks\/(\d+)$/.exec(r.path)?.[1] : undefined;
    if (gid && !firstRead.has(gid)) firstRead.set(gid, Date.now());
  });
  w.google.server.on('request', (r: LoggedRequest) => {
    calls.push(Date.now());
    if (r.method === 'GET' || r.status >= 300) return;
    writes.push(Date.now());
    const props = (r.json as { extendedProperties?: { private?: Record<string, string> } } | null)
      ?.extendedProperties?.private;
    const gid = props?.vahubTask;
    if (gid && !blockAt.has(gid)) blockAt.set(gid, Date.now());
  });
  return { firstRead, blockAt, writes, calls };
}
