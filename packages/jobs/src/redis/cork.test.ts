import { uniquePrefix } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, serviceRedis } from '../test-support/redis.js';
import { corkThisTurn } from './cork.js';

let redis: Redis;
const prefix = uniquePrefix('cork');
beforeAll(async () => {
  redis = serviceRedis();
  await redis.ping();
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('corkThisTurn', () => {
  it('holds the commands of one turn, once however often asked, and writes them in order at its end', async () => {
    corkThisTurn(redis);
    corkThisTurn(redis);
    expect(redis.stream.writableCorked).toBe(1);
    const replies = Promise.all([
      redis.set(`${prefix}:a`, '1'),
      redis.incr(`${prefix}:a`),
      redis.get(`${prefix}:a`),
    ]);
    await nextTurn();
    expect(redis.stream.writableCorked).toBe(0);
    expect(await replies).toEqual(['OK', 2, '2']);
  });

  it('holds nothing on a connection that is not ready (ioredis queues those commands itself)', async () => {
    const idle = serviceRedis();
    try {
      expect(idle.status).not.toBe('ready');
      corkThisTurn(idle);
      expect(await idle.ping()).toBe('PONG');
      expect(idle.stream.writableCorked).toBe(0);
    } finally {
      await idle.quit();
    }
  });
});
