import { authFromEnv, gatherSnapshot, startDashboard } from '@vahub/dashboard';
import { assertRedisReady, createServiceLogger, RedisReportStore } from '@vahub/jobs';
import { serviceParts, startService } from '@vahub/worker';
import { CliError, EXIT } from '../frame/exit.js';
import { commandContext, stringOption, writeJson } from '../frame/options.js';
import { openRuntime } from '../frame/runtime.js';
import type { Io } from '../io.js';
import { servicePrefix, statusSources } from '../service/snapshot.js';

export const START_USAGE = `Usage: vahub start [--only webhooks|worker|planner] [--planner here|elsewhere] [--port N] [--host H]
                   [--dashboard-port N] [--dashboard-host H] [--config FILE] [--json]

Runs the service in this process until SIGTERM or Ctrl-C: the webhook receiver (on --host, default
0.0.0.0, and --port, default the config's webhooks.port), the worker (the jobs: replans, sweeps,
invoice runs, reports), and the dashboard (on 127.0.0.1 and --dashboard-port, default 8788; any
other --dashboard-host needs VAHUB_DASHBOARD_TOKEN). --only runs the receiver or the worker alone
(run more workers on other machines against the same Redis), or the planner alone: a worker taking
only the calendar replans. --planner elsewhere leaves the replans to such a planner process, so a
replan never holds up the webhook events this one handles. Prints where each listens; log lines
(JSON) go to stderr. On SIGTERM or SIGINT it stops taking work, finishes what is in flight, exits 0.

Needs Redis (REDIS_URL) with maxmemory-policy noeviction, VAHUB_ENCRYPTION_KEY, and the apps
connected (\`vahub connect APP\`; a token variable that is set wins over the stored one).
`;

function portOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CliError(`${flag} "${value}" is not a port: give a whole number from 0 to 65535`, EXIT.usage);
  return n;
}

/** Resolves on the first SIGTERM or SIGINT. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** `vahub start`. */
export async function startCommand(
  argv: readonly string[],
  io: Io,
  deps: { env?: NodeJS.ProcessEnv; stop?: Promise<unknown> } = {},
): Promise<number> {
  const ctx = commandContext(argv, io, {
    usage: START_USAGE,
    options: {
      only: 'value',
      planner: 'value',
      port: 'value',
      host: 'value',
      'dashboard-port': 'value',
      'dashboard-host': 'value',
    },
    env: deps.env,
  });
  if (!ctx) return EXIT.ok;
  if (ctx.positionals.length > 0)
    throw new CliError(`start takes no arguments, got "${ctx.positionals[0]}"`, EXIT.usage);
  let parts: ReturnType<typeof serviceParts>;
  try {
    parts = serviceParts({ only: stringOption(ctx, 'only'), planner: stringOption(ctx, 'planner') });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.usage);
  }
  const { only } = parts;
  const port = portOption(stringOption(ctx, 'port'), '--port');
  const dashboardPort = portOption(stringOption(ctx, 'dashboard-port'), '--dashboard-port') ?? 8788;
  const dashboardHost = stringOption(ctx, 'dashboard-host') ?? '127.0.0.1';
  let auth: ReturnType<typeof authFromEnv>;
  try {
    auth = authFromEnv(ctx.env, dashboardHost);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.usage);
  }
  const stop = deps.stop ?? stopSignal();
  const runtime = await openRuntime(ctx.configFile, ctx.env, { longLived: true });
  const closers: (() => Promise<unknown>)[] = [() => runtime.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    try {
      await assertRedisReady(runtime.redis);
    } catch (err) {
      throw new CliError(err instanceof Error ? err.message : String(err), EXIT.problems);
    }
    const prefix = servicePrefix(runtime.env);
    ctx.progress('Starting the service…');
    const service = await startService({
      config: runtime.config,
      // The environment with the tokens `vahub connect` stored (a variable that is set wins).
      env: runtime.env,
      prefix,
      logger: createServiceLogger({ name: only ?? 'vahub', destination: process.stderr }),
      ...parts,
      ...(port === undefined ? {} : { port }),
      ...(ctx.options.host ? { host: String(ctx.options.host) } : {}),
    });
    closers.push(() => service.close());
    const sources = statusSources(runtime, service.worker ? { metrics: service.worker.runtime.metrics } : {});
    closers.push(() => sources.close());
    const dashboard = await startDashboard({
      snapshot: () => gatherSnapshot(sources.deps),
      auth,
      host: dashboardHost,
      port: dashboardPort,
      reports: new RedisReportStore({ redis: runtime.redis, prefix }),
    }).catch((err: unknown) => {
      throw new CliError(
        `the dashboard cannot listen on ${dashboardHost}:${dashboardPort}: ${err instanceof Error ? err.message : String(err)}; pick another --dashboard-port`,
        EXIT.usage,
      );
    });
    closers.push(() => dashboard.close());
    const where = {
      webhooks: service.url,
      worker: service.worker !== null,
      dashboard: dashboard.url,
    };
    if (ctx.json) writeJson(io, { running: true, ...where });
    else {
      if (where.webhooks) io.out.write(`${ctx.style.ok('✓')} webhooks received at ${where.webhooks}\n`);
      if (where.worker) io.out.write(`${ctx.style.ok('✓')} worker taking jobs from Redis\n`);
      io.out.write(`${ctx.style.ok('✓')} dashboard at ${dashboard.url}\n`);
      io.out.write('Running. SIGTERM or Ctrl-C stops it (work in flight is finished first).\n');
    }
    const signal = await stop;
    ctx.progress(`${String(signal)}: stopping, finishing the work in flight…`);
    await closeAll();
    ctx.progress('Stopped.');
    return EXIT.ok;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
