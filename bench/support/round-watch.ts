import type { ServiceWorld } from '../../test/support/service-world.js';

/** What a throughput round of the pipeline bench set going besides its own jobs, counted per round. */

/** Redis MONITOR on a connection of its own: the `schedule.replan` commands, by kind, since `reset`. */
export async function replanCommands(w: ServiceWorld) {
  // `monitor()` opens a connection of its own beside the one it is called on: both closed in `stop`.
  const connection = w.redis.duplicate();
  const monitor = await connection.monitor();
  const counts = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[]) => {
    const cmd = String(args[0]).toLowerCase();
    if (!args.slice(1, 4).some((a) => String(a).includes('schedule.replan'))) return;
    // BullMQ's scripts by their first key's last part (the add's is the queue's `wait` or `marker`).
    const kind = cmd === 'evalsha' ? `script(${String(args[3]).split(':').pop()})` : cmd;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  });
  return {
    reset: () => counts.clear(),
    summary: () => [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none',
    stop: () => {
      monitor.disconnect();
      connection.disconnect();
    },
  };
}

/**
 * The requests the calendar fake answered since `mark()`, by method, status and what they named (the
 * calendar's events or one event): the replans' reads and writes, e.g. `80 PATCH 200 event, 1 GET 200 events`.
 */
export function calendarCalls(w: ServiceWorld) {
  let from = w.google.server.requests.length;
  return {
    mark: () => {
      from = w.google.server.requests.length;
    },
    summary: () => {
      const counts = new Map<string, number>();
      for (const r of w.google.server.requests.slice(from)) {
        const what = /\/events$/.test(r.path) ? 'events' : /\/events\/[^/]+$/.test(r.path) ? 'event' : r.path;
        const key = `${r.method} ${r.status} ${what}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
    },
  };
}
