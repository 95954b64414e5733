// The worker (or the receiver, or both) as its own process:
//   node --conditions=vahub-source --import tsx apps/worker/src/service/main.ts --config vahub.config.yaml [--only worker|webhooks|planner] [--planner here|elsewhere] [--port 8787]
// Reads REDIS_URL, VAHUB_ENCRYPTION_KEY, VAHUB_PREFIX (default "{vahub}") and the config's secrets from the environment.
// SIGTERM or SIGINT: stop taking work, let the jobs and requests in flight finish, exit 0.
import { parseArgs } from 'node:util';
import { createServiceLogger } from '@vahub/jobs';
import { loadVahubConfig } from '@vahub/registry';
import { serviceParts, startService } from './start-service.js';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    only: { type: 'string' },
    planner: { type: 'string' },
    port: { type: 'string' },
  },
});
const logger = createServiceLogger({ name: values.only ?? 'vahub' });

async function main(): Promise<void> {
  if (!values.config) throw new Error('--config is required: the path of vahub.config.yaml');
  const parts = serviceParts(values);
  const config = await loadVahubConfig(values.config, { env: process.env });
  const service = await startService({
    config,
    logger,
    ...parts,
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(process.env.VAHUB_PREFIX ? { prefix: process.env.VAHUB_PREFIX } : {}),
    ...(process.env.VAHUB_REPLAN_WINDOW_MS
      ? { worker: { replanWindowMs: Number(process.env.VAHUB_REPLAN_WINDOW_MS) } }
      : {}),
  });
  // Tells a supervisor (and the tests) the process is ready.
  logger.info({ url: service.url, only: values.only ?? 'both' }, 'service ready');
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: draining jobs and requests in flight');
      service.close().then(
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
