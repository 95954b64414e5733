import { type ConnectorInstance, silentLogger, type TokenStore, VahubError } from '@vahub/core';
import { createRedis, encryptionKeyFrom, RedisLock, RedisStateStore, RedisTokenStore } from '@vahub/jobs';
import {
  type BuiltConnectors,
  buildConnectors,
  type Config,
  connectors,
  loadVahubConfig,
} from '@vahub/registry';
import { CliError, EXIT } from './exit.js';

type Redis = ReturnType<typeof createRedis>;

/** Where a token-only connector's token is kept when `vahub connect` stored it (not in the environment). */
export const storedSecretKey = (connectorId: string) => `secret:${connectorId}`;

/** Redis's address for messages: host and port only, never a password. */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'the address in REDIS_URL';
  }
}

/** Load the config, turning a missing file into a usage error that says how to make one. */
export async function loadConfigOrExplain(file: string, env: NodeJS.ProcessEnv): Promise<Config> {
  try {
    return await loadVahubConfig(file, { env });
  } catch (err) {
    if (err instanceof VahubError && /does not exist/.test(err.message)) {
      throw new CliError(
        `${err.message}\nMake one with \`vahub init\`, or pass another file with --config FILE.`,
        EXIT.usage,
      );
    }
    throw err;
  }
}

/** Connect to Redis with a bound: a CLI command must not hang when Redis is down. */
export async function connectRedis(env: NodeJS.ProcessEnv, timeoutMs = 3000): Promise<Redis> {
  const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = createRedis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    throw new CliError(
      `Redis at ${redisAddress(url)} is not reachable: start it (\`redis-server\`, or \`docker run -p 6379:6379 redis:7\`) or point REDIS_URL at yours.`,
      EXIT.unreachable,
    );
  }
}

export function encryptionKey(env: NodeJS.ProcessEnv): Buffer {
  try {
    return encryptionKeyFrom(env.VAHUB_ENCRYPTION_KEY);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.usage);
  }
}

/** Everything a command that talks to the apps needs: config, Redis, the token store, the connectors. */
export interface Runtime {
  config: Config;
  redis: Redis;
  tokens: TokenStore;
  built: BuiltConnectors;
  instance(id: string): ConnectorInstance;
  /** The environment the config was loaded with (tokens stored by `vahub connect` filled in). */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Open the store alone (connect and disconnect need no built connectors for token apps). */
export async function openStore(
  env: NodeJS.ProcessEnv,
  options: { longLived?: boolean } = {},
): Promise<{ redis: Redis; tokens: RedisTokenStore; prefix: string | undefined }> {
  const key = encryptionKey(env);
  const redis = await connectRedis(env);
  // A command gives up at once when Redis goes; a long-lived process (`vahub start`) reconnects.
  if (options.longLived) redis.options.retryStrategy = (times) => Math.min(times * 200, 2_000);
  // Tests (and a second installation on one Redis) keep their keys apart with VAHUB_PREFIX.
  const prefix = env.VAHUB_PREFIX || undefined;
  return { redis, tokens: new RedisTokenStore({ redis, key, ...(prefix ? { prefix } : {}) }), prefix };
}

/**
 * Tokens `vahub connect` stored for token-only apps (Asana, Toggl), as the variables the config
 * reads; a variable already set wins.
 */
export async function withStoredTokens(
  env: NodeJS.ProcessEnv,
  tokens: TokenStore,
): Promise<NodeJS.ProcessEnv> {
  const filled: NodeJS.ProcessEnv = { ...env };
  for (const connector of connectors) {
    if (connector.auth.kind !== 'token') continue;
    const spec = (connector.config.secrets as Record<string, { env: string }>)[connector.auth.secret];
    if (!spec || filled[spec.env]) continue;
    const stored = await tokens.get(storedSecretKey(connector.id));
    if (stored) filled[spec.env] = stored.accessToken;
  }
  return filled;
}

export async function openRuntime(
  configFile: string,
  env: NodeJS.ProcessEnv,
  options: { longLived?: boolean } = {},
): Promise<Runtime> {
  await loadConfigOrExplain(configFile, env);
  const { redis, tokens, prefix } = await openStore(env, options);
  try {
    const filled = await withStoredTokens(env, tokens);
    const config = await loadVahubConfig(configFile, { env: filled });
    const key = encryptionKey(env);
    const built = buildConnectors(config, {
      tokens,
      lock: new RedisLock({ redis, ...(prefix ? { prefix } : {}) }),
      logger: silentLogger,
      state: new RedisStateStore({ redis, encryptionKey: key, ...(prefix ? { prefix } : {}) }),
    });
    return {
      config,
      redis,
      tokens,
      built,
      env: filled,
      instance: (id) => {
        const found = built.instances.get(id);
        if (!found) throw new CliError(`no connector "${id}"`, EXIT.usage);
        return found;
      },
      close: async () => {
        await built.close();
        redis.disconnect();
      },
    };
  } catch (err) {
    redis.disconnect();
    throw err;
  }
}
