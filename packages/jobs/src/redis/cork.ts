import type { Redis } from 'ioredis';

const corked = new WeakSet<object>();

/**
 * Hold what is written to `redis` for the rest of this turn of the event loop, then write it at once:
 * the commands of every request handled in one turn (a busy receiver handles several) go to Redis in
 * one write instead of one each. Order on the connection is kept; a command waits at most until the
 * loop's check phase. Nothing is held while the connection is not ready (ioredis queues those itself).
 */
export function corkThisTurn(redis: Redis): void {
  const stream = redis.status === 'ready' ? redis.stream : undefined;
  if (!stream || corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
