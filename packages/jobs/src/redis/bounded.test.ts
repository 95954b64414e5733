import { createServer } from 'node:net';
import { deferred, testRedisUrl, uniquePrefix } from '@vahub/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { bounded, isRedisUnavailable, RedisUnavailableError } from './bounded.js';

const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
afterAll(() => redis.quit());

/** A port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('bounded', () => {
  it("passes a command's answer on", async () => {
    const key = `${uniquePrefix('bounded')}:k`;
    await bounded(redis.set(key, 'v', 'PX', 10_000), { ms: 5_000, what: 'a write' });
    await expect(bounded(redis.get(key), { ms: 5_000, what: 'a read' })).resolves.toBe('v');
    await redis.del(key);
  });

  it('passes a Redis error reply on as it is: the request was wrong, not Redis away', async () => {
    const key = `${uniquePrefix('bounded')}:s`;
    await redis.set(key, 'a string', 'PX', 10_000);
    const error = await bounded(redis.lpush(key, 'x'), { ms: 5_000, what: 'a push' }).catch(
      (e: unknown) => e,
    );
    expect(isRedisUnavailable(error)).toBe(false);
    expect((error as Error).name).toBe('ReplyError');
    expect((error as Error).message).toMatch(/WRONGTYPE/);
    await redis.del(key);
  });

  it('turns a connection that cannot take the command into a retryable error naming what and where', async () => {
    const port = await closedPort();
    const away = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false, lazyConnect: true });
    away.on('error', () => undefined);
    try {
      const error = await bounded(away.get('k'), { ms: 5_000, what: 'GET k', redis: away }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).retryable).toBe(true);
      expect((error as Error).message).toContain('Redis GET k failed');
      expect((error as Error).message).toContain(`127.0.0.1:${port}`);
      expect((error as Error).message).toContain('REDIS_URL');
    } finally {
      away.disconnect();
    }
  });

  it('gives up on a Redis that does not answer, with a retryable error naming what, where and the bound', async () => {
    const port = await closedPort();
    // As the service's clients are: commands wait in the offline queue for as long as it takes.
    const away = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null, retryStrategy: () => 50 });
    away.on('error', () => undefined);
    try {
      const error = await bounded(away.get('k'), { ms: 100, what: 'GET k', redis: away }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toContain('Redis did not answer GET k within 100 ms');
      expect((error as Error).message).toContain(`127.0.0.1:${port}, connection`);
    } finally {
      away.disconnect();
    }
  });

  it('hands an answer that came after giving up to onLate (to undo it), and drops a late failure unheard', async () => {
    const late = deferred<string>();
    const undone: string[] = [];
    const gaveUp = await bounded(late.promise, {
      ms: 20,
      what: 'a slow write',
      onLate: (v) => undone.push(v),
    }).catch((e: unknown) => e);
    expect(gaveUp).toBeInstanceOf(RedisUnavailableError);
    late.resolve('OK');
    await late.promise;
    await Promise.resolve();
    expect(undone).toEqual(['OK']);

    // A failure after the caller gave up must not become an unhandled rejection (vitest fails the run on one).
    const failing = deferred<string>();
    const second = await bounded(failing.promise, { ms: 20, what: 'another write' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(RedisUnavailableError);
    failing.reject(new Error('ECONNRESET'));
    await failing.promise.catch(() => undefined);
  });

  it('clears its timer once the command answers (a bound of minutes must not keep a process alive)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const quick = deferred<number>();
    const before = timers();
    const answered = bounded(quick.promise, { ms: 600_000, what: 'a quick read' });
    expect(timers()).toBe(before + 1);
    quick.resolve(7);
    await expect(answered).resolves.toBe(7);
    expect(timers()).toBe(before);
  });
});
