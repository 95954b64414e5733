import type { PeriodDraft } from '@vahub/core';
import { uniquePrefix } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, serviceRedis } from '../test-support/redis.js';
import { RedisLedgerCache } from './redis-ledger-cache.js';

let redis: Redis;
const prefix = uniquePrefix('ledger-cache');
beforeAll(() => {
  redis = serviceRedis();
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

const draft = (id: string, seq: number): PeriodDraft => ({
  invoiceId: id,
  invoiceNumber: `INV-${id}`,
  status: 'DRAFT',
  reference: 'vahub koala-co 2026-11',
  manifest: {
    v: 1,
    clientId: 'koala-co',
    periodKey: 'vahub koala-co 2026-11',
    seq,
    entries: [{ id: '17', fp: 'abcdef0123' }],
    fee: true,
    carriedInHours: '0',
    carryOverHours: '1.5',
  },
});

describe('RedisLedgerCache', () => {
  it('keeps a period’s drafts as given, and forgets one period or all of a client’s', async () => {
    const cache = new RedisLedgerCache({ redis, prefix });
    expect(await cache.get('koala-co', 'vahub koala-co 2026-11')).toBeNull();
    await cache.set('koala-co', 'vahub koala-co 2026-11', [draft('a', 0)]);
    await cache.set('koala-co', 'vahub koala-co 2026-12', [draft('b', 0)]);
    await cache.set('thames', 'vahub thames 2026-11', [draft('c', 0)]);
    expect(await cache.get('koala-co', 'vahub koala-co 2026-11')).toEqual([draft('a', 0)]);
    await cache.drop('koala-co', 'vahub koala-co 2026-11');
    expect(await cache.get('koala-co', 'vahub koala-co 2026-11')).toBeNull();
    expect(await cache.get('koala-co', 'vahub koala-co 2026-12')).toEqual([draft('b', 0)]);
    await cache.drop('koala-co');
    expect(await cache.get('koala-co', 'vahub koala-co 2026-12')).toBeNull();
    expect(await cache.get('thames', 'vahub thames 2026-11')).toEqual([draft('c', 0)]);
  });

  it('expires what it holds, and reads an unreadable copy as a miss', async () => {
    const cache = new RedisLedgerCache({ redis, prefix, ttlMs: 60_000 });
    await cache.set('koala-co', 'p', [draft('a', 1)]);
    const ttl = await redis.pttl(`${prefix}:ledger:koala-co:p`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await redis.set(`${prefix}:ledger:koala-co:p`, '{not json');
    expect(await cache.get('koala-co', 'p')).toBeNull();
  });
});

describe('RedisLedgerCache versions', () => {
  it('keeps a copy read before a drop out of the cache: a read that overlapped a write puts nothing back', async () => {
    const cache = new RedisLedgerCache({ redis, prefix });
    const noted = await cache.version('hudson');
    // A writer drops the client's copies while the reader is at the invoicing app.
    await cache.drop('hudson');
    await cache.set('hudson', 'p', [draft('stale', 0)], noted);
    expect(await cache.get('hudson', 'p')).toBeNull();
    // A read begun after the drop is kept.
    const now = await cache.version('hudson');
    expect(now).not.toBe(noted);
    await cache.set('hudson', 'p', [draft('fresh', 1)], now);
    expect(await cache.get('hudson', 'p')).toEqual([draft('fresh', 1)]);
    // Dropping one period moves the version on too.
    await cache.drop('hudson', 'p');
    expect(await cache.version('hudson')).not.toBe(now);
  });
});
