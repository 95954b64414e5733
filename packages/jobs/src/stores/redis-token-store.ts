import type { OAuthTokenSet, TokenStore } from '@vahub/core';
import type { Redis } from 'ioredis';
import { decrypt, encrypt } from './encryption.js';

export interface RedisTokenStoreOptions {
  redis: Redis;
  /** Key prefix shared by this installation. @defaultValue "vahub" */
  prefix?: string;
  /** The 32-byte encryption key (see `encryptionKeyFrom`). */
  key: Buffer;
}

/** OAuth tokens in Redis, encrypted with AES-256-GCM; each value is bound to its key. */
export class RedisTokenStore implements TokenStore {
  private readonly prefix: string;
  constructor(private readonly options: RedisTokenStoreOptions) {
    this.prefix = `${options.prefix ?? 'vahub'}:token:`;
  }

  async get(name: string): Promise<OAuthTokenSet | null> {
    const redisKey = this.prefix + name;
    const sealed = await this.options.redis.get(redisKey);
    if (sealed === null) return null;
    return JSON.parse(decrypt(this.options.key, sealed, redisKey)) as OAuthTokenSet;
  }

  async set(name: string, token: OAuthTokenSet): Promise<void> {
    const redisKey = this.prefix + name;
    await this.options.redis.set(redisKey, encrypt(this.options.key, JSON.stringify(token), redisKey));
  }

  async delete(name: string): Promise<void> {
    await this.options.redis.del(this.prefix + name);
  }
}
