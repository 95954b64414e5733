// What invoice runs and ledger reconciles read from Toggl, through the real Xero and Toggl connectors
// and SDKs against their fakes, with the run lock and the record of complete runs in the real Redis:
// runs asked for at once read the period once, a run asked after a late entry still bills it, and a
// period without drafts is reconciled without reading its report.
import { RedisLock } from '@vahub/jobs';
import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import {
  draftInvoicesCoalesced,
  isCoalesced,
  RedisCompletedRuns,
  reconcileInvoiceStatus,
} from '@vahub/worker';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withEachWorld } from './support/flows-tests.js';
import { addEntry, clientOf, entryTags, monthOf, TENANT, type World } from './support/flows-world.js';

let w: World;
let redis: Redis;
let prefix: string;
beforeAll(() => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis.quit();
});
withEachWorld((world) => {
  w = world;
});
beforeEach(() => {
  prefix = uniquePrefix('invoice-reads');
});
afterEach(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
});

const thamesClient = () => clientOf(w, 'thames-studio');
const thames = (local: string, minutes: number) => addEntry(w, 190101, local, 'Europe/London', minutes);
/** Report pages Toggl answered (Reports v3 searches), from the fake's own request log. */
const reportReads = () =>
  w.toggl.server.requests.filter((r) => r.path.includes('/search/time_entries')).length;
const tagsOf = (id: number) => entryTags(w, id);
const figures = () => w.xero.invoices(TENANT).map((i) => [i.Reference, i.Status, i.SubTotal]);

/** The service's invoice run: under the client's Redis lock, coalesced through the Redis record. */
const run = (askedAt: number, period = monthOf('2026-11', 'Europe/London')) =>
  draftInvoicesCoalesced(
    {
      client: thamesClient(),
      period,
      time: w.time,
      invoices: w.invoices,
      lock: new RedisLock({ redis, prefix }),
      tagRetry: { attempts: 1 },
    },
    { askedAt, runs: new RedisCompletedRuns({ redis, prefix }) },
  );

describe('invoice runs asked for at once', () => {
  it('read the period once and draft it once', async () => {
    const ids = [
      thames('2026-11-02T09:00', 60),
      thames('2026-11-03T09:00', 30),
      thames('2026-11-04T09:00', 90),
    ];
    const before = reportReads();
    const askedAt = Date.now();
    const results = await Promise.all([run(askedAt), run(askedAt)]);
    expect(results.filter(isCoalesced)).toHaveLength(1);
    // Three entries are one page: one run read it, the other read nothing.
    expect(reportReads() - before).toBe(1);
    // 3 h at 40.00.
    expect(figures()).toEqual([['vahub thames-studio 2026-11', 'DRAFT', 120]]);
    expect(ids.map((e) => tagsOf(e.id))).toEqual([['invoiced'], ['invoiced'], ['invoiced']]);
  });

  it('a run asked after a late entry reads again and bills it on the same draft; one asked before does not read', async () => {
    const early = thames('2026-11-02T09:00', 60);
    const askedEarly = Date.now();
    const first = await run(askedEarly);
    expect(isCoalesced(first)).toBe(false);
    const late = thames('2026-11-27T09:00', 30);
    const reads = reportReads();
    // Asked before the first run began reading: what it owes is done, so it reads nothing.
    const stale = await run(askedEarly);
    expect(isCoalesced(stale) && stale.coalesced.askedAt).toBe(askedEarly);
    expect(reportReads()).toBe(reads);
    expect(tagsOf(late.id)).toEqual([]);
    // Asked after the late entry: read again, the open draft takes it (60 + 30 min at 40.00).
    const again = await run(Date.now());
    expect(isCoalesced(again)).toBe(false);
    expect(!isCoalesced(again) && again.ledger?.action).toBe('updated');
    expect(reportReads() - reads).toBe(1);
    expect(figures()).toEqual([['vahub thames-studio 2026-11', 'DRAFT', 60]]);
    expect([tagsOf(early.id), tagsOf(late.id)]).toEqual([['invoiced'], ['invoiced']]);
  });

  it('a run that failed records nothing: the run asked with it reads and drafts in full', async () => {
    const e = thames('2026-11-05T09:00', 45);
    const askedAt = Date.now();
    // Xero refuses every call of the first run (beyond its retries).
    w.xero.server.faults.next({ status: 400, times: 1_000 });
    await expect(run(askedAt)).rejects.toThrow();
    w.xero.server.faults.clear();
    const second = await run(askedAt);
    expect(isCoalesced(second)).toBe(false);
    expect(figures()).toEqual([['vahub thames-studio 2026-11', 'DRAFT', 30]]);
    expect(tagsOf(e.id)).toEqual(['invoiced']);
  });
});

describe('a ledger reconcile', () => {
  it('reads the report of a period with drafts, and not of one without', async () => {
    const e = thames('2026-11-06T09:00', 60);
    thames('2026-10-06T09:00', 60);
    await run(Date.now());
    const reconcile = (yyyyMm: string) =>
      reconcileInvoiceStatus({
        client: thamesClient(),
        period: monthOf(yyyyMm, 'Europe/London'),
        time: w.time,
        invoices: w.invoices,
      });
    const reads = reportReads();
    const october = await reconcile('2026-10');
    expect(october).toEqual({
      periodKey: 'vahub thames-studio 2026-10',
      released: [],
      completedTags: [],
      edited: [],
    });
    expect(reportReads()).toBe(reads);
    // November has a draft: its entries are read, and a tag taken off in Toggl is put back.
    w.toggl.updateEntry(e.id, { tags: [] } as never);
    const november = await reconcile('2026-11');
    expect(november.completedTags).toEqual([String(e.id)]);
    expect(reportReads() - reads).toBe(1);
    expect(tagsOf(e.id)).toEqual(['invoiced']);
  });
});
