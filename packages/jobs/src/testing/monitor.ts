import type { Redis } from 'ioredis';

/**
 * A MONITOR connection beside `redis`, for tests that check which commands Redis ran and in what
 * order. As `redis.monitor()`, but with an error listener from the start: ioredis counts a connection
 * as monitoring only once MONITOR's OK has been handled, so on a busy Redis (other test files share
 * it) the first lines, read in the same chunk as that OK, meet an empty command queue and are an
 * "error" event ("Command queue state error") that nobody would listen to yet. Those lines are of
 * commands run before this resolves, so before anything the test sends next: they are dropped. Any
 * other error rejects the start, or is thrown by `assertNoError` afterwards.
 */
export async function monitorRedis(redis: Redis): Promise<Redis & { assertNoError(): void }> {
  const monitor = redis.duplicate({ monitor: true, lazyConnect: false });
  const errors: Error[] = [];
  let monitoring = false;
  await new Promise<void>((resolve, reject) => {
    monitor.on('error', (err: Error) => {
      if (!monitoring && err.message.startsWith('Command queue state error')) return;
      errors.push(err);
      reject(err);
    });
    monitor.once('monitoring', () => {
      monitoring = true;
      resolve();
    });
  });
  return Object.assign(monitor, {
    assertNoError() {
      if (errors.length > 0) throw errors[0];
    },
  });
}
