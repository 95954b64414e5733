import { randomBytes } from 'node:crypto';
import { NO_PRIORITY, type Task } from '@vahub/core';
import { uniquePrefix } from '@vahub/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueues } from '../queues/queues.js';
import { createRedis } from '../redis/connection.js';
import { deleteKeys, serviceRedis, uniqueQueuePrefix } from '../test-support/redis.js';
import { CursorStore } from './cursor-store.js';
import { MirrorUnreadableError } from './hash-mirror.js';
import { BusyMirror, TaskMirror } from './mirrors.js';
import { RedisStateStore } from './state-store.js';

let redis: Redis;
const prefixes: string[] = [];
function prefix(name: string): string {
  const p = uniquePrefix(name);
  prefixes.push(p);
  return p;
}

beforeAll(() => {
  redis = serviceRedis();
});
afterAll(async () => {
  for (const p of prefixes) await deleteKeys(redis, p);
  await redis.quit();
});

describe('RedisStateStore', () => {
  it('keeps values, sets only if absent, expires and lists keys by prefix', async () => {
    const store = new RedisStateStore({ redis, prefix: prefix('state') });
    await store.set('hooks/a*1', 'one');
    await store.set('hooks/b', 'two', { ttlMs: 60_000 });
    await store.set('other', 'three');
    expect(await store.get('hooks/a*1')).toBe('one');
    expect(await store.setIfAbsent('hooks/b', 'again')).toBe(false);
    expect(await store.get('hooks/b')).toBe('two');
    expect(await store.setIfAbsent('hooks/c', 'new', { ttlMs: 60_000 })).toBe(true);
    // A glob character in the prefix matches only itself.
    expect(await store.keys('hooks/a*')).toEqual(['hooks/a*1']);
    expect(await store.keys('hooks/')).toEqual(['hooks/a*1', 'hooks/b', 'hooks/c']);
    await store.delete('hooks/a*1');
    expect(await store.get('hooks/a*1')).toBeNull();
  });

  it('seals values when given a key: nothing readable in Redis, and a value moved to another key is refused', async () => {
    const p = prefix('state-sealed');
    const store = new RedisStateStore({ redis, prefix: p, encryptionKey: randomBytes(32) });
    await store.set('hook-secret/123', 'hmac-key-abcdef');
    expect(await store.get('hook-secret/123')).toBe('hmac-key-abcdef');
    const raw = (await redis.get(`${p}:state:hook-secret/123`)) ?? '';
    expect(raw).not.toContain('hmac-key');
    await redis.set(`${p}:state:hook-secret/999`, raw);
    await expect(store.get('hook-secret/999')).rejects.toThrow(/cannot be decrypted/);
  });

  it('gives up on a Redis that does not answer, saying so, instead of waiting forever', async () => {
    // Nothing listens on port 1: with `maxRetriesPerRequest: null` ioredis would queue the GET forever.
    const lazy = createRedis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => 50 });
    lazy.on('error', () => undefined);
    const store = new RedisStateStore({ redis: lazy, prefix: prefix('state-down'), timeoutMs: 200 });
    await expect(store.get('x')).rejects.toThrow(/Redis did not answer GET x within 200 ms/);
    lazy.disconnect();
  });
});

describe('CursorStore', () => {
  it('keeps one cursor per provider and scope, with when it was saved', async () => {
    let now = 1_000;
    const cursors = new CursorStore({ redis, prefix: prefix('cursors'), now: () => now });
    await cursors.set('tasks-vendor', 'project-1', 'sync-abc');
    now = 2_000;
    await cursors.set('tasks-vendor', 'project-2', 'sync-def');
    await cursors.set('calendar-vendor', 'primary', 'token-1');
    expect(await cursors.get('tasks-vendor', 'project-1')).toEqual({ cursor: 'sync-abc', savedAt: 1_000 });
    expect(await cursors.list('tasks-vendor')).toEqual({
      'project-1': { cursor: 'sync-abc', savedAt: 1_000 },
      'project-2': { cursor: 'sync-def', savedAt: 2_000 },
    });
    await cursors.delete('tasks-vendor', 'project-1');
    expect(await cursors.get('tasks-vendor', 'project-1')).toBeNull();
    expect(await cursors.get('calendar-vendor', 'primary')).toMatchObject({ cursor: 'token-1' });
  });

  it('reads an unreadable entry as no cursor, so the sweep starts over from a full read', async () => {
    const p = prefix('cursors-bad');
    const cursors = new CursorStore({ redis, prefix: p });
    await redis.hset(`${p}:cursors:tasks-vendor`, 'project-1', 'not json');
    expect(await cursors.get('tasks-vendor', 'project-1')).toBeNull();
    expect(await cursors.list('tasks-vendor')).toEqual({});
  });
});

const task = (id: string, clientId: string, name = `Task ${id}`): Task => ({
  id,
  clientId,
  name,
  url: null,
  status: 'open',
  estimateMinutes: 60,
  trackedMinutes: null,
  due: { kind: 'date', date: '2026-12-01' },
  startOn: null,
  priority: NO_PRIORITY,
  modifiedAt: '2026-11-20T10:00:00.000Z',
});

describe('TaskMirror', () => {
  it("keeps each client's open tasks apart, updated task by task, replaced whole with a stamp", async () => {
    const mirror = new TaskMirror({ redis, prefix: prefix('tasks'), now: () => 42 });
    expect(await mirror.stamp('koala')).toBeNull();
    await mirror.replace('koala', [task('1', 'koala'), task('2', 'koala')]);
    await mirror.replace('wombat', [task('9', 'wombat')]);
    expect(await mirror.stamp('koala')).toEqual({ syncedAt: 42, covers: null });
    await mirror.put('koala', [task('2', 'koala', 'Renamed'), task('3', 'koala')]);
    await mirror.remove('koala', ['1']);
    expect((await mirror.list('koala')).map((t) => [t.id, t.name])).toEqual([
      ['2', 'Renamed'],
      ['3', 'Task 3'],
    ]);
    expect((await mirror.list('wombat')).map((t) => t.id)).toEqual(['9']);
    await mirror.replace('koala', []);
    expect(await mirror.list('koala')).toEqual([]);
    expect(await mirror.get('wombat', '9')).toEqual(task('9', 'wombat'));
  });

  it('settles one task across every client in one go: moved, then closed', async () => {
    const mirror = new TaskMirror({ redis, prefix: prefix('tasks-settle') });
    await mirror.replace('koala', [task('5', 'koala'), task('6', 'koala')]);
    await mirror.replace('wombat', []);
    await mirror.settle('5', task('5', 'wombat', 'Moved'), ['koala', 'wombat', 'emu']);
    expect((await mirror.list('koala')).map((t) => t.id)).toEqual(['6']);
    expect(await mirror.get('wombat', '5')).toEqual(task('5', 'wombat', 'Moved'));
    expect(await mirror.list('emu')).toEqual([]);
    await mirror.settle('5', null, ['koala', 'wombat', 'emu']);
    expect(await mirror.get('wombat', '5')).toBeNull();
    expect((await mirror.list('koala')).map((t) => t.id)).toEqual(['6']);
  });

  it('says a replan is owed when a settle changed a mirror, and until a replan starts planning', async () => {
    const mirror = new TaskMirror({ redis, prefix: prefix('tasks-owed') });
    const clients = ['koala', 'wombat'];
    await mirror.replace('koala', []);
    await mirror.replace('wombat', []);
    expect(await mirror.settle('5', task('5', 'koala'), clients)).toBe(true);
    // Not planned yet: the same task again still owes its replan (a retry after a failed ask asks).
    expect(await mirror.settle('5', task('5', 'koala'), clients)).toBe(true);
    await mirror.planning();
    expect(await mirror.settle('5', task('5', 'koala'), clients)).toBe(false);
    expect(await mirror.settle('6', null, clients)).toBe(false);
    // Asana moves modified_at on every edit, notes and comments too: kept, but no plan reads it.
    const edited = { ...task('5', 'koala'), modifiedAt: '2026-12-05T13:00:00.000Z' };
    expect(await mirror.settle('5', edited, clients)).toBe(false);
    expect(await mirror.get('koala', '5')).toEqual(edited);
    expect(await mirror.settle('5', { ...edited, modifiedAt: null }, clients)).toBe(false);
    expect((await mirror.get('koala', '5'))?.modifiedAt).toBeNull();
    expect(await mirror.settle('5', task('5', 'koala', 'Renamed'), clients)).toBe(true);
    await mirror.planning();
    expect(await mirror.settle('5', task('5', 'wombat', 'Renamed'), clients)).toBe(true);
    await mirror.planning();
    expect(await mirror.settle('5', null, clients)).toBe(true);
    await mirror.planning();
    expect(await mirror.settle('5', null, clients)).toBe(false);
    // A replan that failed after `planning` gives the changes back.
    await mirror.owe();
    expect(await mirror.settle('5', null, clients)).toBe(true);
  });

  it("joins an owed replan whose job is queued and not started, in the write's own command", async () => {
    const mirror = new TaskMirror({ redis, prefix: prefix('tasks-join') });
    const queuePrefix = uniqueQueuePrefix('tasks-join');
    const queues = new JobQueues({ connection: redis, prefix: queuePrefix });
    try {
      const clients = ['koala'];
      await mirror.replace('koala', []);
      const replanJob = queues.throttledJobKeys('schedule.replan', 'va');
      const settle = (name: string) =>
        mirror.settleJoining('5', task('5', 'koala', name), clients, replanJob);
      // Owed and no job queued: the caller asks.
      expect(await settle('First')).toEqual({ owed: true, joined: null });
      const { jobId } = await queues.addThrottled(
        'schedule.replan',
        { reason: 'test' },
        { key: 'va', windowMs: 60_000 },
      );
      // Queued, not started: a change joins it, and so does an unchanged task while a change is owed.
      expect(await settle('Renamed')).toEqual({ owed: true, joined: jobId });
      expect(await settle('Renamed')).toEqual({ owed: true, joined: jobId });
      expect(await mirror.get('koala', '5')).toEqual(task('5', 'koala', 'Renamed'));
      // Started (BullMQ set `processedOn`): it may have read the mirror already, so the caller asks.
      await redis.hset(`${replanJob.jobKeyPrefix}${jobId}`, 'processedOn', Date.now());
      expect(await settle('Again')).toEqual({ owed: true, joined: null });
      // Nothing owed: nothing joined, even with a job queued.
      await mirror.planning();
      await redis.hdel(`${replanJob.jobKeyPrefix}${jobId}`, 'processedOn');
      expect(await settle('Again')).toEqual({ owed: false });
    } finally {
      await queues.close();
      await deleteKeys(redis, queuePrefix);
    }
  });

  it('refuses to hand out what it cannot read, and says how to rebuild it', async () => {
    const p = prefix('tasks-bad');
    const mirror = new TaskMirror({ redis, prefix: p });
    await redis.hset(`${p}:mirror:tasks:{koala}`, '7', JSON.stringify({ id: '7' }));
    await expect(mirror.list('koala')).rejects.toThrow(MirrorUnreadableError);
    await expect(mirror.list('koala')).rejects.toThrow(/task \(client koala\) 7 cannot be read.*reconcile/);
  });
});

describe('BusyMirror', () => {
  it("keeps the VA's busy time by event, read back by window in start order", async () => {
    const mirror = new BusyMirror({ redis, prefix: prefix('busy'), now: () => 7 });
    const window = { start: '2026-11-30T00:00:00.000Z', end: '2026-12-14T00:00:00.000Z' };
    await mirror.replace(window, [
      { id: 'm2', interval: { start: '2026-12-02T09:00:00.000Z', end: '2026-12-02T10:00:00.000Z' } },
      {
        id: 'm1',
        interval: { start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T10:00:00.000Z', source: 'meeting' },
      },
    ]);
    await mirror.put([
      { id: 'm3', interval: { start: '2026-12-03T13:00:00.000Z', end: '2026-12-03T14:00:00.000Z' } },
    ]);
    await mirror.remove(['m2']);
    const all = await mirror.read();
    expect(all.window).toEqual(window);
    expect(all.syncedAt).toBe(7);
    expect(all.intervals.map((i) => i.start)).toEqual([
      '2026-12-01T09:00:00.000Z',
      '2026-12-03T13:00:00.000Z',
    ]);
    const some = await mirror.read({ start: '2026-12-01T09:30:00.000Z', end: '2026-12-03T13:00:00.000Z' });
    expect(some.intervals).toEqual([
      { start: '2026-12-01T09:00:00.000Z', end: '2026-12-01T10:00:00.000Z', source: 'meeting' },
    ]);
  });
});
