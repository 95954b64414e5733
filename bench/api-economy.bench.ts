import { periodContaining } from '@vahub/core';
import type { LoggedRequest } from '@vahub/testkit';
import { addTimeEntryEvent, blocksOf, startServiceWorld } from '../test/support/service-world.js';
import { createTasks, drained, quotaLifted, reconciled, until } from './support/service-bench.js';

/**
 * Vendor calls the service makes, counted at the fakes (the service world: a private Redis, the four
 * fakes, the receiver and three worker processes), and what the vendors' quotas then allow:
 * 1. a burst of 100 new tasks that Asana's fake delivers to the receiver by itself: calls per new task
 *    (task app + calendar; target ≤ 3);
 * 2. 300 time-entry events: time-app calls per recount;
 * 3. one invoice run over `BENCH_INVOICE_ENTRIES` entries (default 1,000) of last month: Toggl report
 *    pages and tag calls (target: one tag call per 100 entries), Xero calls per draft;
 * 4. the same run asked for twice at once after a late entry: Toggl calls of the pair (one read).
 * Asana's quota is lifted while counting (counts do not depend on it; see `quotaLifted`).
 */

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
const ENTRIES = Number(process.env.BENCH_INVOICE_ENTRIES ?? 1_000);
const TASKS = 100;
const EVENTS = 300;
const DAY = 86_400_000;

/** Requests by method and path with ids folded, e.g. `GET /tasks/:id 100`. */
function kinds(requests: readonly LoggedRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const path = r.path.replace(/\/([^/]+)/g, (m, seg: string) =>
      seg.length >= 10 && /\d/.test(seg) ? '/:id' : m,
    );
    const k = `${r.method} ${path}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ');
}

export default async function run(): Promise<void> {
  const w = await startServiceWorld({ workers: 3 });
  try {
    await w.registerAsanaWebhooks();
    await reconciled(w);
    await drained(w, 'sweep');

    // 1. A burst of new tasks.
    const asana0 = w.asana.server.requests.length;
    const google0 = w.google.apiRequests().length;
    const seq1 = w.lastSeq();
    const gids = await quotaLifted(w, async () => {
      const made = createTasks(w, TASKS, 'economy');
      await until(
        () => w.finished.filter((f) => f.queue === 'event.task' && f.seq > seq1).length >= TASKS,
        'every task event handled',
        120_000,
      );
      await drained(w, 'schedule.replan');
      return made;
    });
    const asanaCalls = w.asana.server.requests.slice(asana0);
    const googleCalls = w.google.apiRequests().slice(google0);
    const booked = gids.filter((g) => blocksOf(w.google, g).length > 0).length;
    const replans = w.finished.filter((f) => f.queue === 'schedule.replan' && f.seq > seq1).length;
    const perTask = (asanaCalls.length + googleCalls.length) / TASKS;
    const asanaPerTask = asanaCalls.length / TASKS;
    console.log(`burst of ${TASKS} new tasks (webhooks), 3 workers: ${replans} replans, ${booked} booked`);
    console.log(`  task app ${asanaCalls.length} calls: ${kinds(asanaCalls)}`);
    console.log(`  calendar ${googleCalls.length} calls: ${kinds(googleCalls)}`);
    console.log(
      `  ${perTask.toFixed(2)} vendor calls per new task (target ≤ 3): ${perTask <= 3 ? 'met' : 'missed'}; ${asanaPerTask.toFixed(2)} of them at the task app`,
    );

    // 2. Time-entry events: recounts.
    const current = periodContaining('month', Date.now(), 'Australia/Sydney');
    const from = Math.max(current.start, Date.now() - 12 * 3_600_000);
    const toggl0 = w.toggl.server.requests.length;
    const seq2 = w.lastSeq();
    await quotaLifted(w, async () => {
      await Promise.all(
        Array.from({ length: EVENTS }, (_, i) => {
          const entry = w.toggl.addEntry({
            workspace_id: 4242,
            project_id: 190001,
            description: `economy ${i}`,
            start: from + i * 60_000,
            stop: from + i * 60_000 + 30_000,
            billable: true,
          });
          return addTimeEntryEvent(w.queues, entry.id, `economy-${entry.id}`);
        }),
      );
      await until(
        () => w.finished.filter((f) => f.queue === 'event.time-entry' && f.seq > seq2).length >= EVENTS,
        'every time-entry event handled',
        120_000,
      );
      await drained(w, 'sweep');
    });
    const recounts = w.finished.filter((f) => f.queue === 'sweep' && f.seq > seq2).length;
    const togglRecount = w.toggl.server.requests.slice(toggl0);
    const perRecount = togglRecount.length / Math.max(1, recounts);
    console.log(
      `${EVENTS} time-entry events: ${recounts} recounts, ${togglRecount.length} time-app calls (${perRecount.toFixed(1)} per recount of both clients): ${kinds(togglRecount)}`,
    );

    // 3. One invoice run over last month's entries.
    const last = periodContaining('month', current.start - 1, 'Australia/Sydney');
    const run = {
      clientId: 'koala-co',
      period: { firstDate: last.firstDate, lastDate: last.lastDate },
      trigger: 'manual' as const,
    };
    const step = Math.floor((last.end - last.start - DAY) / ENTRIES);
    /** The i-th quarter hour of the client's time last month. */
    const addEntry = (i: number) => {
      const start = last.start + DAY / 2 + i * step;
      w.toggl.addEntry({
        workspace_id: 4242,
        project_id: 190001,
        description: `invoice ${i}`,
        start,
        stop: start + 15 * 60_000,
        billable: true,
      });
    };
    for (let i = 0; i < ENTRIES; i++) addEntry(i);
    const toggl1 = w.toggl.server.requests.length;
    const xero1 = w.xero.server.requests.length;
    const seq3 = w.lastSeq();
    const result = await quotaLifted(w, async () => {
      await w.queues.add('invoice.run', run);
      return w.waitFinished('invoice.run', () => true, { afterSeq: seq3, timeoutMs: 180_000 });
    });
    if (result.outcome !== 'completed') throw new Error(`bench: invoice run failed: ${result.reason}`);
    const togglRun = w.toggl.server.requests.slice(toggl1);
    const xeroRun = w.xero.server.requests.slice(xero1);
    const tagCalls = togglRun.filter((r) => r.method !== 'GET' && !/reports|search/.test(r.path)).length;
    const tagged = [...w.toggl.store.entries.values()].filter((e) => e.tags.includes('invoiced')).length;
    console.log(`invoice run, ${ENTRIES} entries of ${last.firstDate}…${last.lastDate}, ${tagged} tagged:`);
    console.log(`  time app ${togglRun.length} calls: ${kinds(togglRun)}`);
    console.log(
      `  tag calls ${tagCalls} for ${tagged} entries = ${((tagCalls / tagged) * 100).toFixed(2)} per 100 (target 1): ${tagCalls <= Math.ceil(tagged / 100) ? 'met' : 'missed'}`,
    );
    console.log(`  invoicing app ${xeroRun.length} calls for one draft: ${kinds(xeroRun)}`);

    // 4. The same run asked for twice at once after a late entry: one reads the period and bills the
    // entry, the other is coalesced into that read (before, both read the whole period).
    addEntry(ENTRIES);
    const toggl2 = w.toggl.server.requests.length;
    const seq4 = w.lastSeq();
    const twins = await quotaLifted(w, async () => {
      await Promise.all([w.queues.add('invoice.run', run), w.queues.add('invoice.run', run)]);
      const first = await w.waitFinished('invoice.run', () => true, { afterSeq: seq4, timeoutMs: 180_000 });
      return [
        first,
        await w.waitFinished('invoice.run', () => true, { afterSeq: first.seq, timeoutMs: 180_000 }),
      ];
    });
    if (twins.some((f) => f.outcome !== 'completed')) throw new Error('bench: a second invoice run failed');
    const togglTwins = w.toggl.server.requests.slice(toggl2);
    console.log(
      `the same run asked twice at once after a late entry: ${twins.filter((f) => f.value?.coalesced).length} of 2 coalesced, time app ${togglTwins.length} calls: ${kinds(togglTwins)}`,
    );

    // What the quotas allow, from these counts.
    const asanaPerDay = 150 * 60 * 24;
    const sweepsPerDay = 96; // every 15 minutes
    const togglPerDay = 240 * 24;
    const recountPerClient = perRecount / 2;
    console.log('what the quotas allow (from these counts):');
    console.log(
      `  Asana 150/min per token = ${asanaPerDay} calls/day: at ${asanaPerTask.toFixed(2)} per new task, ≈ ${Math.floor(asanaPerDay / asanaPerTask)} new tasks/day, less the task sweeps (${sweepsPerDay}/day per client, ≥ 1 call each)`,
    );
    console.log(
      `  Toggl 240/h (Starter) = ${togglPerDay} calls/day: the time-entry sweep recounts every client every 15 min at ≈ ${recountPerClient.toFixed(1)} calls per client, so ≈ ${Math.floor(togglPerDay / (sweepsPerDay * recountPerClient))} clients fit by the sweeps alone; an invoice run of ${ENTRIES} entries costs ${togglRun.length}`,
    );
    console.log(
      `  Xero 60/min per organisation: ${xeroRun.length} calls per draft = ${Math.floor(60 / xeroRun.length)} drafts/min, ${Math.floor(5_000 / xeroRun.length)} drafts/day under the 5,000/day limit`,
    );
  } finally {
    await w.stop();
  }
}
