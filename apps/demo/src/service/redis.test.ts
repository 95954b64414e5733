// Where the demo's Redis comes from: REDIS_URL, else the local one, else a private redis-server,
// else the instructions. "Nothing there" is a port nothing listens on.
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { demoRedis, NO_REDIS, NoRedisError } from './redis.js';

/** A port that was free a moment ago: nothing answers there. */
function closedPort(): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(`redis://127.0.0.1:${address.port}`) : reject(),
      );
    });
  });
}

const ping = async (url: string) => {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    return await redis.ping();
  } finally {
    redis.disconnect();
  }
};

describe('the demo finds a Redis', () => {
  it('takes REDIS_URL when something answers there', async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const found = await demoRedis({ REDIS_URL: url });
    expect(found).toMatchObject({ url, how: 'the one at REDIS_URL' });
    await found.close();
  });

  it('refuses a REDIS_URL where nothing answers, naming the variable', async () => {
    await expect(demoRedis({ REDIS_URL: await closedPort() })).rejects.toThrow(
      /REDIS_URL is set, but no Redis answers there/,
    );
  });

  it('starts a private redis-server when none is configured or running, and stops it on close', async () => {
    const found = await demoRedis({ PATH: '/usr/bin:/bin' }, { local: await closedPort() });
    expect(found.how).toMatch(/^a private redis-server in .+vahub-redis-/);
    expect(await ping(found.url)).toBe('PONG');
    await found.close();
    await expect(ping(found.url)).rejects.toThrow();
  }, 20_000);

  it('without any, says exactly how to get one', async () => {
    const none = demoRedis({ REDIS_SERVER_BIN: '/nonexistent/redis-server' }, { local: await closedPort() });
    await expect(none).rejects.toBeInstanceOf(NoRedisError);
    await expect(none).rejects.toThrow(NO_REDIS);
    expect(NO_REDIS).toMatch(/apt-get install redis-server/);
    expect(NO_REDIS).toMatch(/docker run .* redis/);
    expect(NO_REDIS).toMatch(/REDIS_URL=/);
  });
});
