// What the service-worker test files share: their world (one worker, the planner apart, the Asana
// webhooks registered, one reconcile done), dates and blocks as they check them, and the waits for a
// task's event and the replans after it.
import { Temporal } from '@vahub/core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type blocksOf, endOf, type ServiceWorld, startOf, startServiceWorld } from './service-world.js';

export const DAY = 86_400_000;

/**
 * Start the world before the file's tests, handing it to `use` as soon as it is up (so that it is
 * stopped after them even if the set-up fails): one worker, the planner apart, the Asana webhooks
 * registered, then a fresh deployment's reconcile (mirrors, cursors and unbilled time built once from
 * the apps).
 */
export function withWorkerWorld(use: (w: ServiceWorld) => void): void {
  let w: ServiceWorld | undefined;
  beforeAll(async () => {
    w = await startServiceWorld({ workers: 1, planner: 'apart' });
    use(w);
    await w.registerAsanaWebhooks();
    const seq = w.lastSeq();
    await w.queues.add('reconcile', { clientId: null });
    const done = await w.waitFinished('reconcile', () => true, { afterSeq: seq });
    expect(done.outcome).toBe('completed');
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
  }, 30_000);
}

/** The local date `days` from now in `zone`. */
export const dateIn = (zone: string, days: number) =>
  Temporal.Instant.fromEpochMilliseconds(Date.now() + days * DAY)
    .toZonedDateTimeISO(zone)
    .toPlainDate()
    .toString();
/** The end of a local date in a zone (the start of the next day). */
export const endOfDate = (date: string, zone: string) =>
  Temporal.PlainDate.from(date).add({ days: 1 }).toZonedDateTime(zone).epochMilliseconds;
export const minutesOf = (blocks: ReturnType<typeof blocksOf>) =>
  blocks.reduce((sum, b) => sum + (endOf(b) - startOf(b)) / 60_000, 0);

/** Every block in the VA's working hours (Mon–Fri 09:00–17:00 Budapest). */
export function inWorkingHours(blocks: ReturnType<typeof blocksOf>) {
  for (const b of blocks) {
    const s = Temporal.Instant.fromEpochMilliseconds(startOf(b)).toZonedDateTimeISO('Europe/Budapest');
    const e = Temporal.Instant.fromEpochMilliseconds(endOf(b)).toZonedDateTimeISO('Europe/Budapest');
    expect(s.dayOfWeek).toBeLessThanOrEqual(5);
    expect(s.toPlainDate().equals(e.toPlainDate())).toBe(true);
    expect(s.hour * 60 + s.minute).toBeGreaterThanOrEqual(9 * 60);
    expect(e.hour * 60 + e.minute).toBeLessThanOrEqual(17 * 60);
  }
}

/** The waits on the world that `world()` returns when they are called (it is started in a `beforeAll`). */
export function replanWaits(world: () => ServiceWorld) {
  /** Replans still to run (not the schedulers' own). */
  const replansPending = async () =>
    (await world().queues.queue('schedule.replan').getJobs(['waiting', 'delayed', 'active'])).some(
      (j) => !j.repeatJobKey,
    );

  /** The replans that finish after `seq`, until none is left to run: the last one. */
  async function replansAfter(seq: number) {
    let replan = await world().waitFinished('schedule.replan', () => true, { afterSeq: seq });
    while (await replansPending())
      replan = await world().waitFinished('schedule.replan', () => true, { afterSeq: replan.seq });
    expect(replan.outcome).toBe('completed');
    return replan;
  }

  /**
   * Wait for the task's event job and then for the replans after it until none is left to run: one
   * already running when the event came may finish first without the task, and its follow-up (queued
   * by BullMQ as it completes) has it.
   */
  async function settled(taskId: string, afterSeq: number) {
    const event = await world().waitFinished('event.task', (f) => f.value?.taskId === taskId, { afterSeq });
    expect(event.outcome).toBe('completed');
    return { event, replan: await replansAfter(event.seq) };
  }

  return { replansPending, replansAfter, settled };
}
