// The worker (or the receiver, or both) as its own process:
//   node --conditions=vahub-source --import tsx apps/worker/src/service/main.ts --config vahub.config.yaml [--only worker|webhooks|planner] [--planner here|elsewhere] [--port 8787]
// Reads REDIS_URL, VAHUB_ENCRYPTION_KEY, VAHUB_PREFIX (default "{vahub}") and the config's secrets from the environment.
// SIGTERM or SIGINT: stop taking work, let the jobs and requests in flight finish, exit 0.
// `--only webhooks` loads the receiver alone (no vendor SDK, no worker): modules are imported by role.
// VAHUB_IDLE_GC_S (default 15, 0 = off): idle seconds after work before one full GC gives memory back.
import { parseArgs } from 'node:util';
import { createServiceLogger } from '@vahub/jobs';
import { collectWhenIdle } from './idle-memory.js';
import { type ServiceParts, serviceParts } from './service-parts.js';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    only: { type: 'string' },
    planner: { type: 'string' },
    port: { type: 'string' },
  },
});
const logger = createServiceLogger({ name: values.only ?? 'vahub' });
const port = values.port ? { port: Number(values.port) } : {};
const prefix = process.env.VAHUB_PREFIX ? { prefix: process.env.VAHUB_PREFIX } : {};

async function receiverOnly(file: string): Promise<{ url: string | null; close(): Promise<void> }> {
  const { loadReceiverConfig } = await import('@vahub/registry/receivers');
  const { startReceiver } = await import('./start-receiver.js');
  const config = await loadReceiverConfig(file, { env: process.env });
  return startReceiver({ config, logger, ...port, ...prefix });
}

async function service(file: string, parts: ServiceParts) {
  const { loadVahubConfig } = await import('@vahub/registry');
  const { startService } = await import('./start-service.js');
  const config = await loadVahubConfig(file, { env: process.env });
  return startService({
    config,
    logger,
    ...parts,
    ...port,
    ...prefix,
    ...(process.env.VAHUB_REPLAN_WINDOW_MS
      ? { worker: { replanWindowMs: Number(process.env.VAHUB_REPLAN_WINDOW_MS) } }
      : {}),
  });
}

async function main(): Promise<void> {
  if (!values.config) throw new Error('--config is required: the path of vahub.config.yaml');
  const parts = serviceParts(values);
  const idleS = Number(process.env.VAHUB_IDLE_GC_S ?? 15);
  if (!Number.isFinite(idleS) || idleS < 0)
    throw new Error(`VAHUB_IDLE_GC_S takes seconds (0 turns it off), got "${process.env.VAHUB_IDLE_GC_S}"`);
  const running =
    parts.only === 'webhooks' ? await receiverOnly(values.config) : await service(values.config, parts);
  const idle =
    idleS > 0
      ? collectWhenIdle({
          idlePeriods: Math.max(1, Math.round(idleS / 5)),
          onCollect: () => logger.debug({ rss: process.memoryUsage.rss() }, 'idle: memory collected'),
        })
      : null;
  // Tells a supervisor (and the tests) the process is ready.
  logger.info({ url: running.url, only: values.only ?? 'both' }, 'service ready');
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: draining jobs and requests in flight');
      idle?.stop();
      running.close().then(
        () => process.exit(0),
        (err) => {
          logger.error({ error: err instanceof Error ? err.message : String(err) }, 'stop failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  logger.error({ error: err instanceof Error ? err.message : String(err) }, 'the service did not start');
  process.exit(1);
});
