import { setTimeout as delay } from 'node:timers/promises';
import { type PortName, redact } from '@vahub/core';
import { JobQueues } from '@vahub/jobs';
import { connectors } from '@vahub/registry';
import { CliError, EXIT } from '../frame/exit.js';
import { commandContext, stringOption, writeJson } from '../frame/options.js';
import { openRuntime } from '../frame/runtime.js';
import type { Io } from '../io.js';
import { servicePrefix } from '../service/snapshot.js';

export const SYNC_USAGE = `Usage: vahub sync [--client ID] [--no-wait] [--timeout SECONDS] [--config FILE] [--json]

Sweeps now what the service sweeps every 15 minutes: each client's task changes, the calendar's
busy time, the tracked time and the invoices. The sweeps are jobs for the worker (\`vahub start\`):
when one runs, sync waits (with progress) until they and the replan they ask for are done; when
none runs, it says so and the jobs wait in Redis for the next worker.

  --client ID        sweep one client's tasks and time (the calendar is the VA's, swept whole)
  --no-wait          add the jobs and return
  --timeout SECONDS  how long to wait for the worker (default 300); the jobs stay queued after
`;

const SUBJECTS = [
  ['task', 'tasks'],
  ['calendar', 'calendar'],
  ['time-entry', 'time'],
  ['invoice', 'invoices'],
] as const satisfies readonly (readonly [string, PortName])[];

const FINISHED = new Set(['completed', 'failed', 'unknown']);

/** `vahub sync`. */
export async function syncCommand(
  argv: readonly string[],
  io: Io,
  deps: { env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const ctx = commandContext(argv, io, {
    usage: SYNC_USAGE,
    options: { client: 'value', 'no-wait': 'flag', timeout: 'value' },
    env: deps.env,
  });
  if (!ctx) return EXIT.ok;
  if (ctx.positionals.length > 0)
    throw new CliError(`sync takes no arguments, got "${ctx.positionals[0]}"`, EXIT.usage);
  const timeoutText = stringOption(ctx, 'timeout') ?? '300';
  const timeoutS = Number(timeoutText);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0)
    throw new CliError(`--timeout "${timeoutText}" is not a number of seconds above 0`, EXIT.usage);
  const runtime = await openRuntime(ctx.configFile, ctx.env);
  const queues = new JobQueues({ connection: runtime.redis, prefix: servicePrefix(runtime.env) });
  try {
    const clientId = stringOption(ctx, 'client') ?? null;
    const ids = runtime.config.clients.map((c) => c.id);
    if (clientId !== null && !ids.includes(clientId))
      throw new CliError(
        `no client "${clientId}" in ${ctx.configFile}: use one of ${ids.join(', ')}`,
        EXIT.usage,
      );
    const added: { subject: string; jobId: string }[] = [];
    for (const [subject, port] of SUBJECTS) {
      const provider = connectors.find((c) => (c.serves as readonly PortName[]).includes(port))?.id;
      if (!provider) continue;
      const { jobId } = await queues.add('sweep', {
        provider,
        subject,
        clientId: subject === 'calendar' ? null : clientId,
      });
      added.push({ subject, jobId });
    }
    const sweepQueue = queues.queue('sweep');
    const workers = await sweepQueue.getWorkersCount();
    const result = {
      added,
      workers,
      waited: false,
      finished: [] as { subject: string; state: string; reason?: string }[],
    };
    if (workers === 0 || ctx.options['no-wait'] === true) {
      if (!ctx.json)
        io.out.write(
          workers === 0
            ? `Added ${added.length} sweeps; no worker is running, so they wait in Redis: start one with \`vahub start\`.\n`
            : `Added ${added.length} sweeps; ${workers} worker${workers === 1 ? '' : 's'} will run them.\n`,
        );
      else writeJson(io, result);
      return EXIT.ok;
    }
    const deadline = Date.now() + timeoutS * 1000;
    const pending = new Map(added.map((a) => [a.jobId, a.subject]));
    let replanSeen = false;
    ctx.progress(
      `Sweeping ${added.map((a) => a.subject).join(', ')} (${workers} worker${workers === 1 ? '' : 's'})…`,
    );
    while (pending.size > 0 || !replanSeen) {
      for (const [jobId, subject] of pending) {
        const job = await sweepQueue.getJob(jobId);
        const state = job ? await job.getState() : 'unknown';
        if (!FINISHED.has(state)) continue;
        pending.delete(jobId);
        const reason = state === 'failed' && job?.failedReason ? redact(job.failedReason) : undefined;
        result.finished.push({ subject, state, ...(reason ? { reason } : {}) });
        ctx.progress(`  ${subject}: ${state}${reason ? ` (${reason})` : ''}`);
      }
      if (pending.size === 0) {
        // A sweep that found changes asks for a replan: wait for it too, so the blocks are there.
        const c = await queues
          .queue('schedule.replan')
          .getJobCounts('wait', 'active', 'delayed', 'prioritized');
        replanSeen = (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0;
        if (replanSeen) break;
      }
      if (Date.now() > deadline) {
        throw new CliError(
          `the worker did not finish the sweeps within ${timeoutS} s; they stay queued (see \`vahub status\`)`,
          EXIT.problems,
        );
      }
      await delay(250);
    }
    result.waited = true;
    const failed = result.finished.filter((f) => f.state === 'failed');
    if (ctx.json) writeJson(io, result);
    else
      io.out.write(
        failed.length === 0
          ? `${ctx.style.ok('✓')} swept ${added.map((a) => a.subject).join(', ')}; the plan is up to date.\n`
          : `${ctx.style.bad('✗')} ${failed.length} sweep${failed.length === 1 ? '' : 's'} failed: ${failed.map((f) => `${f.subject} (${f.reason ?? 'no reason'})`).join('; ')}\n`,
      );
    return failed.length === 0 ? EXIT.ok : EXIT.problems;
  } finally {
    await queues.close();
    await runtime.close();
  }
}
