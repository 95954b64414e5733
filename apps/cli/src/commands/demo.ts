import { gatherSnapshot, queueReader, startDashboard } from '@vahub/dashboard';
import { type DemoDashboard, NoRedisError, runDemo } from '@vahub/demo';
import type { Io } from '../io.js';

/**
 * The dashboard over the demo's running service, on 127.0.0.1 and a free port: the week, each
 * client's billing and retainer, the queues. Open (no login) because it listens on loopback only.
 */
export const demoDashboard: DemoDashboard = ({ config, ports, queues, now }) =>
  startDashboard({
    snapshot: () =>
      gatherSnapshot({
        config,
        now,
        calendar: ports.calendar,
        tasks: ports.tasks,
        time: ports.time,
        invoices: ports.invoices,
        queues: queueReader(queues),
      }),
  });

/** `vahub demo`: the three parts; without Redis, the first two and how to get one (exit 1). */
export async function demoCommand(io: Io): Promise<number> {
  try {
    await runDemo({ out: io.out, dashboard: demoDashboard });
    return 0;
  } catch (err) {
    if (!(err instanceof NoRedisError)) throw err;
    io.err.write(`\n${err.message}\n`);
    return 1;
  }
}
