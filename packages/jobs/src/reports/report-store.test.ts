import {
  baseClientShape,
  buildWeeklyReport,
  renderReportHtml,
  renderReportMarkdown,
  renderReportText,
  type StoredWeeklyReport,
  Temporal,
} from '@vahub/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobQueues } from '../queues/queues.js';
import { weeklyCron } from '../queues/schedules.js';
import { deleteKeys, serviceRedis, uniqueQueuePrefix } from '../test-support/redis.js';
import { RedisReportStore, StoredReportUnreadableError } from './report-store.js';

let redis: Redis;
const prefixes: string[] = [];

beforeAll(() => {
  redis = serviceRedis();
});
afterAll(async () => {
  for (const p of prefixes) await deleteKeys(redis, p);
  await redis.quit();
});

function storeFor(name: string, ttlMs?: number): { store: RedisReportStore; prefix: string } {
  const prefix = uniqueQueuePrefix(name);
  prefixes.push(prefix);
  return { store: new RedisReportStore({ redis, prefix, ...(ttlMs ? { ttlMs } : {}) }), prefix };
}

const client = z.strictObject(baseClientShape).parse({
  id: 'koala-co',
  name: 'Koala Co',
  timezone: 'Australia/Sydney',
  billing: { currency: 'AUD', hourlyRate: '55.00' },
});

function stored(week: string, hours: number): StoredWeeklyReport {
  const report = buildWeeklyReport({
    client,
    week,
    now: '2026-12-10T00:00:00Z',
    entries: [
      {
        id: `e-${week}`,
        workspaceId: '1',
        projectId: '7',
        taskId: null,
        description: 'Posts',
        // Wednesday of the week, noon in Sydney.
        start: weekNoon(week),
        stop: new Date(Date.parse(weekNoon(week)) + hours * 3_600_000).toISOString(),
        durationSeconds: hours * 3600,
        billable: true,
        tags: [],
      },
    ],
    completedTasks: [],
    openTasks: [],
    blocks: [],
  });
  return {
    clientId: 'koala-co',
    week,
    report,
    html: renderReportHtml(report),
    markdown: renderReportMarkdown(report),
    text: renderReportText(report),
    savedAt: '2026-12-10T00:00:00.000Z',
    published: null,
  };
}

function weekNoon(week: string): string {
  const jan4 = Temporal.PlainDate.from(`${week.slice(0, 4)}-01-04`);
  const monday = jan4.subtract({ days: jan4.dayOfWeek - 1 }).add({ weeks: Number(week.slice(6)) - 1 });
  return monday
    .add({ days: 2 })
    .toZonedDateTime({ timeZone: 'Australia/Sydney', plainTime: '12:00' })
    .toInstant()
    .toString();
}

describe('RedisReportStore', () => {
  it('keeps one report per client and week, replacing it on a second save, and lists weeks newest first', async () => {
    const { store } = storeFor('reports-keep');
    await store.save(stored('2026-W48', 2));
    await store.save(stored('2026-W50', 5));
    await store.save(stored('2026-W49', 3));
    const again = {
      ...stored('2026-W49', 4),
      published: { destination: 'x', id: '1', url: null, at: 'now' },
    };
    await store.save(again);
    const got = await store.get('koala-co', '2026-W49');
    expect(got?.report.hours.totalHours).toBe('4');
    expect(got?.html).toBe(again.html);
    expect(got?.published).toEqual(again.published);
    expect(
      (await store.list('koala-co')).map((s) => [s.week, s.totalHours, s.published?.id ?? null]),
    ).toEqual([
      ['2026-W50', '5', null],
      ['2026-W49', '4', '1'],
      ['2026-W48', '2', null],
    ]);
    expect((await store.list('koala-co', { limit: 1 })).map((s) => s.week)).toEqual(['2026-W50']);
    expect((await store.latest('koala-co'))?.week).toBe('2026-W50');
    expect(await store.get('koala-co', '2026-W01')).toBeNull();
    expect(await store.list('nobody')).toEqual([]);
    expect(await store.latest('nobody')).toBeNull();
  });

  it('lets reports expire, and the index forgets them', async () => {
    const { store, prefix } = storeFor('reports-expire', 60_000);
    await store.save(stored('2026-W48', 2));
    await store.save(stored('2026-W49', 3));
    expect(await redis.pttl(`${prefix}:reports:koala-co:2026-W48`)).toBeGreaterThan(50_000);
    await redis.del(`${prefix}:reports:koala-co:2026-W48`); // as if it had expired
    expect((await store.list('koala-co')).map((s) => s.week)).toEqual(['2026-W49']);
    expect(await redis.zrange(`${prefix}:reports:weeks:koala-co`, 0, -1)).toEqual(['2026-W49']);
  });

  it('says a record it cannot read is unreadable, and how to mend it', async () => {
    const { store, prefix } = storeFor('reports-bad');
    await redis.set(`${prefix}:reports:koala-co:2026-W49`, '{"clientId":"koala-co"}');
    const err = await store.get('koala-co', '2026-W49').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoredReportUnreadableError);
    expect((err as Error).message).toContain('run the weekly report again');
  });
});

describe('the weekly report job on a schedule', () => {
  it('fires on the VA’s weekday and time, in the VA’s zone', async () => {
    const prefix = uniqueQueuePrefix('weekly-cron');
    prefixes.push(prefix);
    const queues = new JobQueues({ connection: redis, prefix });
    try {
      expect(weeklyCron({ day: 'fri', at: '16:00' })).toBe('0 16 * * 5');
      const { next } = await queues.schedule({
        id: 'weekly-reports',
        name: 'report.weekly',
        input: {},
        cron: weeklyCron({ day: 'fri', at: '16:00' }),
        tz: 'Europe/Budapest',
      });
      expect(next).not.toBeNull();
      const at = Temporal.Instant.fromEpochMilliseconds(next ?? 0).toZonedDateTimeISO('Europe/Budapest');
      expect([at.dayOfWeek, at.hour, at.minute]).toEqual([5, 16, 0]);
      expect(queues.parse('report.weekly', {})).toEqual({ week: null, clientId: null });
      expect(() => queues.parse('report.weekly', { week: '2026-49' })).toThrow(
        /expected an ISO week like "2026-W49"/,
      );
    } finally {
      await queues.close();
    }
  });
});
