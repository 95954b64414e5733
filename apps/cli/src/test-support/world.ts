// The world the CLI's subprocess tests run in: the demo's seeds in the four fakes, the example
// config in a temporary directory, and a private Redis with persistence and noeviction.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@vahub/core';
import {
  type DemoFakes,
  demoEnv,
  EXAMPLE_CONFIG,
  seedAsana,
  seedGoogle,
  seedToggl,
  seedXero,
  startFakes,
  stopFakes,
} from '@vahub/demo';
import { createRedis, RedisLock, RedisTokenStore } from '@vahub/jobs';
import { RedisServer } from '@vahub/jobs/testing';
import { buildConnectors, type Config, parseVahubConfig } from '@vahub/registry';
import { storedSecretKey } from '../frame/runtime.js';
import { type Run, vahub } from './subprocess.js';

export interface CliWorld {
  fakes: DemoFakes;
  redis: RedisServer;
  dir: string;
  configFile: string;
  config: Config;
  /** The fakes' URLs and the apps' client ids and secrets, without the two tokens (`connect` stores those). */
  base: Record<string, string>;
  tokens: { asana: string; toggl: string };
  /** VAHUB_ENCRYPTION_KEY. */
  key: string;
  /** Every run's output, for the no-secret check. */
  runs: Run[];
  run(argv: string[], env?: Record<string, string>, options?: Parameters<typeof vahub>[2]): Promise<Run>;
  /** `--config <the world's config>`. */
  cfg(): string[];
  /** A copy of the config with `edit` applied to its text. */
  configWith(name: string, edit: (text: string) => string): Promise<string>;
  stop(): Promise<void>;
}

export async function startCliWorld(): Promise<CliWorld> {
  const redis = await RedisServer.start({ appendonly: true });
  const fakes = await startFakes();
  const env = demoEnv(fakes);
  const dir = await mkdtemp(join(tmpdir(), 'vahub-cli-'));
  const configFile = join(dir, 'vahub.config.yaml');
  await copyFile(EXAMPLE_CONFIG, configFile);
  const config = parseVahubConfig(await readFile(configFile, 'utf8'), { env });
  seedAsana(fakes.asana);
  seedGoogle(fakes.google);
  seedToggl(fakes.toggl);
  seedXero(fakes.xero, config.clients);
  const { ASANA_TOKEN, TOGGL_API_TOKEN, ...rest } = env;
  const key = randomBytes(32).toString('hex');
  const base = { ...rest, REDIS_URL: redis.url, VAHUB_ENCRYPTION_KEY: key, NO_COLOR: '1' };
  const runs: Run[] = [];
  return {
    fakes,
    redis,
    dir,
    configFile,
    config,
    base,
    tokens: { asana: ASANA_TOKEN as string, toggl: TOGGL_API_TOKEN as string },
    key,
    runs,
    run: async (argv, runEnv = base, options = {}) => {
      const result = await vahub(argv, runEnv, options);
      runs.push(result);
      return result;
    },
    cfg: () => ['--config', configFile],
    configWith: async (name, edit) => {
      const file = join(dir, name);
      await writeFile(file, edit(await readFile(configFile, 'utf8')));
      return file;
    },
    stop: async () => {
      await stopFakes(fakes);
      await redis.stop();
    },
  };
}

/** Follow a consent address, as the VA's browser would. */
async function browse(url: string): Promise<void> {
  await (await fetch(url)).arrayBuffer();
}

/**
 * What `vahub connect` leaves behind, made in this process (the subprocess tests of `connect` are
 * elsewhere): the two tokens and the two OAuth grants in the world's encrypted store.
 */
export async function connectInProcess(world: CliWorld): Promise<void> {
  const redis = createRedis(world.redis.url);
  try {
    const tokens = new RedisTokenStore({ redis, key: Buffer.from(world.key, 'hex') });
    for (const [app, token] of Object.entries(world.tokens)) {
      await tokens.set(storedSecretKey(app), {
        accessToken: token,
        refreshToken: null,
        expiresAt: Number.MAX_SAFE_INTEGER,
      });
    }
    const built = buildConnectors(world.config, {
      tokens,
      lock: new RedisLock({ redis }),
      logger: silentLogger,
    });
    try {
      await built.instances.get('google')?.oauth?.connect({ open: browse, timeoutMs: 10_000 });
      await built.instances.get('xero')?.oauth?.connect({
        open: browse,
        timeoutMs: 10_000,
        redirectUri: 'http://127.0.0.1:0/connect/xero/callback',
      });
    } finally {
      await built.close();
    }
  } finally {
    await redis.quit();
  }
}
