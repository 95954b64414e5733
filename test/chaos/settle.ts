// Waiting for the service to settle, bounded: polling the queues with a deadline.
import type { ServiceWorld } from '../support/service-world.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Jobs still to run in every queue (a job scheduler's next firing is not one), named. */
export async function pendingJobs(w: ServiceWorld): Promise<string[]> {
  const pending: string[] = [];
  for (const name of w.queues.names) {
    const jobs = await w.queues
      .queue(name)
      .getJobs(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
    for (const j of jobs) {
      if (!j || j.repeatJobKey) continue;
      const running = j.processedOn ? `, running ${Math.round((Date.now() - j.processedOn) / 1000)} s` : '';
      pending.push(`${name} ${j.id} ${JSON.stringify(j.data)}${running}`);
    }
  }
  return pending;
}

/**
 * Resolve once no queue has a job left to run, seen twice a second apart (a job that finishes may
 * ask for a throttled follow-up); reject after `timeoutMs` naming what is left.
 */
export async function drained(w: ServiceWorld, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let left: string[] = [];
  while (Date.now() < deadline) {
    left = await pendingJobs(w);
    quiet = left.length === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return;
    await pause(1_000);
  }
  throw new Error(
    `the service did not settle within ${timeoutMs} ms: ${left.length} job(s) still to run, e.g. ${left.slice(0, 5).join('; ')}`,
  );
}

/** Run `fn` until it succeeds, at most `tries` times (for setup calls to vendors answering with faults). */
export async function retrying<T>(fn: () => Promise<T>, tries = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw err;
    }
  }
}
