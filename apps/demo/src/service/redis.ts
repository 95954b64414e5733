// The demo's Redis: the one at REDIS_URL, else 127.0.0.1:6379, else a private redis-server in a
// temporary directory when one is installed, else an error that says how to get one.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { RedisServer } from '@vahub/jobs/testing';
import { Redis } from 'ioredis';

export interface DemoRedis {
  url: string;
  /** Where it came from, in words ("REDIS_URL", …), for the run's own lines. */
  how: string;
  /** Stops the private server, when the demo started one. */
  close(): Promise<void>;
}

export const NO_REDIS = [
  'The service part needs Redis, and none was found: REDIS_URL is not set, nothing answers on',
  '127.0.0.1:6379, and no redis-server is installed for the demo to start a private one. Any one of:',
  '  sudo apt-get install redis-server          (Debian/Ubuntu; the demo then starts its own)',
  '  brew install redis                         (macOS)',
  '  docker run --rm -d -p 6379:6379 redis:7    (then run the demo again)',
  '  REDIS_URL=redis://host:6379 npm run demo   (a Redis you already have)',
].join('\n');

export class NoRedisError extends Error {
  constructor() {
    super(NO_REDIS);
    this.name = 'NoRedisError';
  }
}

/** Whether a Redis answers PING at `url` within a second; never throws. */
async function answers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** `REDIS_SERVER_BIN`, or `redis-server` on the PATH, or null. */
async function redisServerBinary(env: NodeJS.ProcessEnv): Promise<string | null> {
  const candidates = env.REDIS_SERVER_BIN
    ? [env.REDIS_SERVER_BIN]
    : [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/bin'].map((dir) =>
        join(dir, 'redis-server'),
      );
  for (const file of candidates) {
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // not this one
    }
  }
  return null;
}

/**
 * The Redis the demo's service runs on. `local` is where an unconfigured Redis is looked for
 * (tests point it at a closed port).
 */
export async function demoRedis(
  env: NodeJS.ProcessEnv,
  options: { local?: string } = {},
): Promise<DemoRedis> {
  const none = async () => undefined;
  if (env.REDIS_URL) {
    if (!(await answers(env.REDIS_URL))) {
      throw new Error(`REDIS_URL is set, but no Redis answers there: start it, or unset REDIS_URL`);
    }
    return { url: env.REDIS_URL, how: 'the one at REDIS_URL', close: none };
  }
  const local = options.local ?? 'redis://127.0.0.1:6379';
  if (await answers(local)) return { url: local, how: `the one on ${new URL(local).host}`, close: none };
  const binary = await redisServerBinary(env);
  if (binary === null) throw new NoRedisError();
  const server = await RedisServer.start({ binary });
  return {
    url: server.url,
    how: `a private redis-server in ${server.dir}`,
    close: () => server.dispose(),
  };
}
