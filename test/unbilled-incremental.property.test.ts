// The incremental unbilled count against a full recount. Random creates, edits and deletes of Toggl
// entries (on each client's projects, on no client's, on no project; in the period or before it; billable or not; tagged invoiced or not); every version the
// `since` read saw is delivered in a shuffled order, in batches, with repeats. Each client's unbilled
// hours, amount and retainer share must then be exactly what a full read of Toggl's reports gives.
// UNBILLED_RUNS=200 for a longer run.
import { randomBytes } from 'node:crypto';
import { type ClientConfig, silentLogger, type TimeChange } from '@vahub/core';
import { createRedis } from '@vahub/jobs';
import { fakesEnv, testRedisUrl } from '@vahub/testkit';
import {
  buildRuntime,
  countChanges,
  type Runtime,
  refreshUnbilled,
  type ServiceDeps,
  sweepUnbilled,
} from '@vahub/worker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support/flows-world.js';

const RUNS = Number(process.env.UNBILLED_RUNS ?? 25);
const DAY = 86_400_000;
const PREFIX = `{vahub-unbilled-${randomBytes(4).toString('hex')}}`;
/** Koala's (by its Toggl client), Thames's (listed), no client's, and none. */
const PROJECTS = [190001, 190101, 190199, null] as const;

type Op =
  | {
      kind: 'create';
      project: number;
      daysAgo: number;
      minutes: number;
      billable: boolean;
      invoiced: boolean;
    }
  | {
      kind: 'edit';
      slot: number;
      project: number | undefined;
      minutes: number | undefined;
      daysAgo: number | undefined;
      invoiced: boolean | undefined;
    }
  | { kind: 'delete'; slot: number };

const project = fc.integer({ min: 0, max: PROJECTS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    project,
    daysAgo: fc.integer({ min: 0, max: 40 }),
    minutes: fc.integer({ min: 1, max: 240 }),
    billable: fc.boolean(),
    invoiced: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('edit' as const),
    slot: fc.nat(),
    project: fc.option(project, { nil: undefined }),
    minutes: fc.option(fc.integer({ min: 1, max: 240 }), { nil: undefined }),
    daysAgo: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    invoiced: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('delete' as const), slot: fc.nat() }),
);

let w: World;
let runtime: Runtime;
let deps: ServiceDeps;
let clock = Date.now();
let clients: ClientConfig[];

beforeAll(async () => {
  w = await startWorld();
  w.toggl.now = () => clock;
  const redis = createRedis(testRedisUrl());
  runtime = buildRuntime({
    config: w.config,
    env: {
      ...fakesEnv([w.asana, w.google, w.toggl, w.xero]),
      VAHUB_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    },
    redis,
    logger: silentLogger,
    prefix: PREFIX,
    now: () => clock,
  });
  // The world's connector, without the service's hourly quota (this test reads Toggl a few hundred times).
  deps = { ...runtime.deps, ports: { ...runtime.deps.ports, time: w.time } };
  clients = w.config.clients;
  for (const c of clients) await refreshUnbilled(deps, c, silentLogger);
}, 30_000);

afterAll(async () => {
  const keys = await runtime?.redis.keys(`${PREFIX}*`);
  if (keys?.length) await runtime.redis.del(...keys);
  await runtime?.close();
  runtime?.redis.disconnect();
  await w?.stop();
});

/** Apply the ops to the fake, one second apart; every version each `since` read saw, in read order. */
async function play(ops: readonly Op[]): Promise<TimeChange[]> {
  const since = new Date(clock).toISOString();
  const ids: number[] = [];
  const seen: TimeChange[] = [];
  for (const o of ops) {
    clock += 1_000;
    const startOf = (daysAgo: number) => clock - daysAgo * DAY - 3_600_000;
    if (o.kind === 'create') {
      const start = startOf(o.daysAgo);
      const entry = w.toggl.addEntry({
        workspace_id: 4242,
        project_id: PROJECTS[o.project] ?? null,
        start,
        stop: start + o.minutes * 60_000,
        billable: o.billable,
        tags: o.invoiced ? ['invoiced'] : [],
      });
      ids.push(entry.id);
    } else {
      const id = ids[o.slot % Math.max(1, ids.length)];
      const live = id === undefined ? undefined : w.toggl.store.entries.get(id);
      if (id === undefined || !live || live.deletedAt !== null) continue;
      if (o.kind === 'delete') w.toggl.deleteEntry(id);
      else {
        const start = o.daysAgo === undefined ? live.start : startOf(o.daysAgo);
        const minutes = o.minutes ?? ((live.stop ?? live.start) - live.start) / 60_000;
        w.toggl.updateEntry(id, {
          ...(o.project === undefined ? {} : { project_id: PROJECTS[o.project] ?? null }),
          ...(o.invoiced === undefined ? {} : { tags: o.invoiced ? ['invoiced'] : [] }),
          start,
          stop: start + minutes * 60_000,
        });
      }
    }
    seen.push(...((await w.time.changesSince?.(since)) ?? []));
  }
  return seen;
}

const figures = (s: { hours: string; amount: string; retainerUsed: number | null; flag: string } | null) =>
  s && { hours: s.hours, amount: s.amount, retainerUsed: s.retainerUsed, flag: s.flag };

describe('the incremental unbilled count', () => {
  it('gives what a full recount gives, whatever order and repeats the changes come in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.noBias(fc.nat())),
        async (ops, batches, randoms) => {
          const seen = await play(ops);
          // Shuffle (a stable sort on random keys), then cut into batches, each one sweep's worth.
          const keys = seen.map(() => randoms.next().value as number);
          const order = seen.map((_, i) => i).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0));
          const shuffled = order.map((i) => seen[i] as TimeChange);
          const size = Math.ceil(shuffled.length / batches) || 1;
          for (let i = 0; i < shuffled.length; i += size) {
            await countChanges(deps, clients, shuffled.slice(i, i + size), silentLogger);
          }
          for (const c of clients) {
            const incremental = figures(await deps.unbilled.get(c.id));
            const full = figures(await refreshUnbilled(deps, c, silentLogger));
            expect(incremental).toEqual(full);
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 240_000);

  it('a repeated or older version of an entry changes nothing', async () => {
    const [koala] = clients;
    const since = new Date(clock).toISOString();
    clock += 1_000;
    const entry = w.toggl.addEntry({
      workspace_id: 4242,
      project_id: 190001,
      start: clock - 3_600_000,
      stop: clock - 1_800_000,
      billable: true,
    });
    const first = (await w.time.changesSince?.(since)) ?? [];
    clock += 1_000;
    w.toggl.updateEntry(entry.id, { stop: clock - 600_000 });
    const second = (await w.time.changesSince?.(since)) ?? [];
    const before = figures(await deps.unbilled.get(koala!.id));
    expect(await countChanges(deps, clients, second, silentLogger)).toEqual({ counted: 0, applied: 1 });
    const after = figures(await deps.unbilled.get(koala!.id));
    // Both figures are rounded to 2 decimals (each off by at most 0.005), so their difference is
    // within 0.01 of the 50 minutes added; within 0.005 held only when the two roundings happened to agree.
    const added = Number(after?.hours) - Number(before?.hours);
    expect(Math.abs(added - 50 / 60)).toBeLessThanOrEqual(0.01 + 1e-9);
    // The same version again, then the older one: nothing changes, no summary is written.
    expect(await countChanges(deps, clients, second, silentLogger)).toEqual({ counted: 0, applied: 0 });
    expect(await countChanges(deps, clients, first, silentLogger)).toEqual({ counted: 0, applied: 0 });
    expect(figures(await deps.unbilled.get(koala!.id))).toEqual(after);
    expect(figures(await refreshUnbilled(deps, koala!, silentLogger))).toEqual(after);
  });

  it("an entry on a project vahub does not know: its workspace's clients are counted in full, throttled", async () => {
    clock += 1_000;
    const since = new Date(clock).toISOString();
    w.toggl.addEntry({
      workspace_id: 4242,
      project_id: 777_777,
      start: clock - 3_600_000,
      stop: clock,
      billable: true,
    });
    const changes = (await w.time.changesSince?.(since)) ?? [];
    expect(changes.map((c) => c.clientIds)).toEqual([null]);
    // Counted in full a moment ago: marked, not counted again yet.
    expect(await countChanges(deps, clients, changes, silentLogger)).toEqual({ counted: 0, applied: 0 });
    expect(await deps.unbilled.counted('koala-co')).toMatchObject({ dirty: true });
    clock += 11 * 60_000;
    const from = w.toggl.server.requests.length;
    expect(await countChanges(deps, clients, [], silentLogger)).toEqual({ counted: 2, applied: 0 });
    const searches = w.toggl.server.requests.slice(from).filter((r) => r.path.includes('/search/'));
    expect(searches).toHaveLength(2);
    expect(await deps.unbilled.counted('koala-co')).toMatchObject({ dirty: false, countedAt: clock });
  });

  it('a since read fuller than Toggl answers: every client counted in full once its throttle allows, with a sweep left for then', async () => {
    for (const c of clients) await refreshUnbilled(deps, c, silentLogger);
    await deps.cursors.set(deps.providers.time, 'unbilled', String(clock));
    clock += 3 * 60_000;
    // A thousand one-minute entries, one after another, over the last day.
    const start = clock - 1_000 * 80_000;
    w.toggl.seedEntries(
      Array.from({ length: 1_000 }, (_, i) => ({
        workspace_id: 4242,
        project_id: 190001,
        start: start + i * 80_000,
        stop: start + i * 80_000 + 60_000,
        billable: true,
      })),
    );
    const from = w.toggl.server.requests.length;
    expect(await sweepUnbilled(deps, clients, silentLogger)).toEqual({
      counted: 0,
      applied: 0,
      unchanged: 2,
    });
    expect(searches(from)).toHaveLength(0);
    const later = (await runtime.queues.queue('sweep').getJobs(['delayed'])).filter((j) => !j.repeatJobKey);
    expect(later.map((j) => Math.round(j.opts.delay ?? 0))).toEqual([7 * 60_000]);
    clock += 8 * 60_000;
    expect(await sweepUnbilled(deps, clients, silentLogger)).toEqual({
      counted: 2,
      applied: 0,
      unchanged: 0,
    });
    expect(searches(from).length).toBeGreaterThanOrEqual(2);
    expect(await deps.unbilled.counted('koala-co')).toMatchObject({ dirty: false, countedAt: clock });
    for (const job of later) await job.remove();
  });
});

const searches = (from: number) =>
  w.toggl.server.requests.slice(from).filter((r) => r.path.includes('/search/'));
