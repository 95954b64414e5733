import type { Redis } from 'ioredis';

/**
 * A Lua script as a command of the connection, defined once per connection under `name` (EVALSHA,
 * loaded once; ioredis loads it again if Redis lost it). Without `numberOfKeys` the caller passes the
 * number of keys first, as EVAL takes it.
 */
export function scriptCommand<R>(
  redis: Redis,
  name: string,
  lua: string,
  numberOfKeys?: number,
): (...args: (string | number)[]) => Promise<R> {
  const commands = redis as unknown as Record<
    string,
    ((...args: (string | number)[]) => Promise<R>) | undefined
  >;
  if (!commands[name])
    redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
  return (commands[name] as (...args: (string | number)[]) => Promise<R>).bind(redis);
}
