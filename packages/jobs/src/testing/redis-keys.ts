import type { Redis } from 'ioredis';

/**
 * Delete every key under `prefix` (glob characters in it taken literally), a batch at a time: what a
 * test, bench or demo leaves on a shared Redis is removed with it.
 */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
