import { createHash } from 'node:crypto';
import type { OAuthTokenSet, RefreshIntent, TokenRecord, TokenStore } from '@vahub/core';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';
import { VAHUB_PREFIX } from '../redis/keys.js';
import { assertStrongKey, decrypt, encrypt, SealedSecretError } from './encryption.js';

export interface RedisTokenStoreOptions {
  redis: Redis;
  /** Key prefix shared by this installation. @defaultValue VAHUB_PREFIX (`{vahub}`) */
  prefix?: string;
  /** The 32-byte encryption key (see `encryptionKeyFrom`); a weak key is refused. */
  key: Buffer;
  /** Longest wait for one Redis command; then `RedisUnavailableError`. @defaultValue 5 s */
  commandTimeoutMs?: number;
}

const tokenSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().nullable(),
  expiresAt: z.number(),
  issuedAt: z.number().optional(),
  scope: z.string().optional(),
  tokenType: z.string().optional(),
});
const recordSchema = z.object({
  v: z.literal(2),
  token: tokenSchema,
  refreshing: z.object({ fence: z.number(), until: z.number() }).nullable(),
});

// Write only over the revision the caller read (the SHA-1 of the stored value; '' means "absent").
const REPLACE = `local current = redis.call('get', KEYS[1])
if ARGV[1] == '' then
  if current then return 0 end
elseif (not current) or redis.sha1hex(current) ~= ARGV[1] then
  return 0
end
redis.call('set', KEYS[1], ARGV[2])
return 1`;

const revisionOf = (sealed: string) => createHash('sha1').update(sealed).digest('hex');

/**
 * OAuth grants in Redis, sealed with AES-256-GCM (each value bound to its key and to the id of the
 * encryption key); every command waits at most `commandTimeoutMs`. `replace` is a compare-and-set
 * over the revision read, which is what lets `TokenManager` record a refresh intent and store the
 * answer without ever overwriting a newer grant.
 */
export class RedisTokenStore implements TokenStore {
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: RedisTokenStoreOptions) {
    assertStrongKey(options.key);
    this.prefix = `${options.prefix ?? VAHUB_PREFIX}:token:`;
    this.timeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  }

  async get(name: string): Promise<OAuthTokenSet | null> {
    return (await this.read(name))?.token ?? null;
  }

  async set(name: string, token: OAuthTokenSet): Promise<void> {
    const redisKey = this.prefix + name;
    const sealed = this.seal(redisKey, token, null);
    await this.run(`SET ${redisKey}`, this.options.redis.set(redisKey, sealed));
  }

  async delete(name: string): Promise<void> {
    const redisKey = this.prefix + name;
    await this.run(`DEL ${redisKey}`, this.options.redis.del(redisKey));
  }

  async read(name: string): Promise<TokenRecord | null> {
    const redisKey = this.prefix + name;
    const sealed = await this.run(`GET ${redisKey}`, this.options.redis.get(redisKey));
    if (sealed === null) return null;
    return { ...this.open(redisKey, sealed), revision: revisionOf(sealed) };
  }

  async replace(
    name: string,
    next: { ifRevision: string | null; token: OAuthTokenSet; refreshing: RefreshIntent | null },
  ): Promise<string | null> {
    const redisKey = this.prefix + name;
    const sealed = this.seal(redisKey, next.token, next.refreshing);
    const written = await this.run(
      `replace ${redisKey}`,
      this.options.redis.eval(REPLACE, 1, redisKey, next.ifRevision ?? '', sealed),
    );
    return written === 1 ? revisionOf(sealed) : null;
  }

  private run<T>(what: string, command: Promise<T>): Promise<T> {
    return bounded(command, { redis: this.options.redis, what, ms: this.timeoutMs });
  }

  private seal(redisKey: string, token: OAuthTokenSet, refreshing: RefreshIntent | null): string {
    return encrypt(this.options.key, JSON.stringify({ v: 2, token, refreshing }), redisKey);
  }

  private open(redisKey: string, sealed: string): { token: OAuthTokenSet; refreshing: RefreshIntent | null } {
    let value: unknown;
    try {
      value = JSON.parse(decrypt(this.options.key, sealed, redisKey));
    } catch (err) {
      if (err instanceof SealedSecretError) throw err;
      throw new SealedSecretError(
        'corrupt',
        `the stored grant at "${redisKey}" is not JSON: run \`vahub connect\` again`,
      );
    }
    const record = recordSchema.safeParse(value);
    if (record.success) return { token: record.data.token, refreshing: record.data.refreshing };
    // Grants saved before refresh intents existed hold the token set alone.
    const legacy = tokenSchema.safeParse(value);
    if (legacy.success) return { token: legacy.data, refreshing: null };
    throw new SealedSecretError(
      'corrupt',
      `the stored grant at "${redisKey}" decrypts but does not hold a token set: run \`vahub connect\` again`,
    );
  }
}
