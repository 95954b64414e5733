import { randomBytes } from 'node:crypto';
import { parseInstant, silentLogger, Temporal } from '@vahub/core';
import { assertHandlers, createRedis, jobCatalog } from '@vahub/jobs';
import { deleteKeys, RedisServer } from '@vahub/jobs/testing';
import { parseVahubConfig } from '@vahub/registry';
import { testRedisUrl } from '@vahub/testkit';
import { describe, expect, it } from 'vitest';
import { createHandlers } from './handlers.js';
import { periodOfRun } from './invoice-jobs.js';
import { overlapsAny } from './mirrored-ports.js';
import { buildRuntime } from './runtime.js';
import { serviceParts, startService } from './start-service.js';
import { startWorker } from './start-worker.js';
import { replanJob } from './task-jobs.js';
import { retainerFlag } from './unbilled-store.js';

const CONFIG = `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
clients:
  - id: koala-co
    name: Koala Co
    timezone: Australia/Sydney
    billing: { currency: AUD, hourlyRate: "50.00" }
  - id: thames-studio
    name: Thames Studio
    timezone: Europe/London
    billing: { currency: GBP, hourlyRate: "40.00", cycle: weekly, weekStartsOn: mon }
`;
const env = { VAHUB_ENCRYPTION_KEY: randomBytes(32).toString('hex') };
const config = parseVahubConfig(CONFIG, { env });
const client = (id: string) => config.clients.find((c) => c.id === id)!;
const at = (local: string, zone: string) =>
  Temporal.PlainDateTime.from(local).toZonedDateTime(zone).epochMilliseconds;

describe('the service', () => {
  it('has exactly one handler per job of the catalog', async () => {
    const redis = createRedis(testRedisUrl());
    const runtime = buildRuntime({
      config,
      env,
      redis,
      logger: silentLogger,
      prefix: '{vahub-test-handlers}',
    });
    try {
      expect(() => assertHandlers(jobCatalog, createHandlers(runtime.deps))).not.toThrow();
      expect(Object.keys(createHandlers(runtime.deps)).sort()).toEqual(Object.keys(jobCatalog).sort());
    } finally {
      await runtime.close();
      redis.disconnect();
    }
  });

  it('refuses to start on a Redis that may evict keys, naming the fix', async () => {
    const server = await RedisServer.start({ maxmemoryPolicy: 'allkeys-lru' });
    try {
      await expect(
        startWorker({
          config,
          env: { ...env, REDIS_URL: server.url },
          logger: silentLogger,
          schedule: false,
        }),
      ).rejects.toThrow(/noeviction/);
    } finally {
      await server.dispose();
    }
  });

  it("an invoice run due at the start of a period bills the period before it, in the client's zone", () => {
    // 00:05 on 1 December in Sydney is still 30 November in UTC.
    const koala = periodOfRun(client('koala-co'), 'just-ended', at('2026-12-01T00:05', 'Australia/Sydney'));
    expect([koala.firstDate, koala.lastDate]).toEqual(['2026-11-01', '2026-11-30']);
    expect(koala.start).toBe(at('2026-11-01T00:00', 'Australia/Sydney'));
    const thames = periodOfRun(
      client('thames-studio'),
      'just-ended',
      at('2026-12-07T00:05', 'Europe/London'),
    );
    expect([thames.firstDate, thames.lastDate]).toEqual(['2026-11-30', '2026-12-06']);
    const explicit = periodOfRun(client('koala-co'), { firstDate: '2026-10-01', lastDate: '2026-10-15' }, 0);
    expect(explicit.end).toBe(at('2026-10-16T00:00', 'Australia/Sydney'));
  });

  it('flags a retainer at 80 % and at 100 % of its hours', () => {
    expect([null, 0, 0.79, 0.8, 0.99, 1, 2.5].map(retainerFlag)).toEqual([
      'ok',
      'ok',
      'ok',
      'near',
      'near',
      'over',
      'over',
    ]);
  });

  it('tells a meeting over a block from one beside it', () => {
    const block = { start: '2026-12-07T09:00:00Z', end: '2026-12-07T10:00:00Z' };
    const beside = { start: '2026-12-07T10:00:00Z', end: '2026-12-07T11:00:00Z' };
    const over = { start: '2026-12-07T09:30:00Z', end: '2026-12-07T09:45:00Z' };
    expect(overlapsAny([beside], [block])).toBe(false);
    expect(overlapsAny([beside, over], [block])).toBe(true);
    expect(parseInstant(over.start)).toBeLessThan(parseInstant(block.end));
  });

  it('runs the replans in a planner process of their own when asked, and every other job beside it', async () => {
    const redis = createRedis(testRedisUrl());
    const prefix = `{vahub-test-planner-${randomBytes(4).toString('hex')}}`;
    const start = (parts: Parameters<typeof serviceParts>[0]) =>
      startService({
        config,
        env,
        redis,
        prefix,
        logger: silentLogger,
        ...serviceParts(parts),
        worker: { schedule: false, subscribe: false },
      });
    const services: Awaited<ReturnType<typeof startService>>[] = [];
    try {
      const events = await start({ only: 'worker', planner: 'elsewhere' });
      services.push(events);
      const eventQueues = events.worker!.runtime.queues;
      const workersOf = async (name: Parameters<typeof eventQueues.queue>[0]) =>
        eventQueues.queue(name).getWorkersCount();
      // The event worker takes every job but the replans.
      expect(await workersOf('event.task')).toBe(1);
      expect(await workersOf('invoice.run')).toBe(1);
      expect(await workersOf('schedule.replan')).toBe(0);
      const planner = await start({ only: 'planner' });
      services.push(planner);
      expect(planner.url).toBeNull();
      expect(await workersOf('schedule.replan')).toBe(1);
      expect(await workersOf('event.task')).toBe(1);
    } finally {
      for (const s of services.reverse()) await s.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it('a replan that fails gives back the replan it owed: the next event asks again, its task unchanged', async () => {
    const redis = createRedis(testRedisUrl());
    const prefix = `{vahub-test-owed-${randomBytes(4).toString('hex')}}`;
    // No Google grant: the replan fails at the calendar.
    const runtime = buildRuntime({ config, env, redis, logger: silentLogger, prefix });
    const mirror = runtime.deps.taskMirror;
    const clients = ['koala-co', 'thames-studio'];
    try {
      // Mirrors read in full (stamped), so the replan reads them and fails at the calendar. An event
      // for a task no mirror holds (closed, or never open) changes nothing.
      await mirror.replace('koala-co', []);
      await mirror.replace('thames-studio', []);
      expect(await mirror.settle('42', null, clients)).toBe(false);
      await expect(replanJob(runtime.deps, 'test', silentLogger)).rejects.toThrow(/google/i);
      expect(await mirror.settle('42', null, clients)).toBe(true);
    } finally {
      await runtime.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it('refuses --only and --planner values it does not know, naming what it takes', () => {
    expect(serviceParts({ only: 'planner' })).toEqual({ only: 'planner' });
    expect(serviceParts({ planner: 'elsewhere' })).toEqual({ planner: 'elsewhere' });
    expect(() => serviceParts({ only: 'both' })).toThrow(
      '--only takes "webhooks", "worker" or "planner", got "both"',
    );
    expect(() => serviceParts({ planner: 'away' })).toThrow(
      '--planner takes "here" or "elsewhere", got "away"',
    );
    expect(() => serviceParts({ only: 'planner', planner: 'elsewhere' })).toThrow(
      '--planner elsewhere is for a process with a worker, not for --only planner',
    );
  });
});
