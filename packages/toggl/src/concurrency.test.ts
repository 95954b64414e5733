import { seededRandom } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { buildToggl, clientYaml, parseTogglConfig } from './test-support/build.js';
import { VirtualTime } from './test-support/virtual-time.js';
import { FakeToggl, seedScenario } from './testing/index.js';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const CALLERS = 16;

/**
 * Many callers sharing one token against Toggl's leaky bucket (one request a second, no burst). Time
 * is virtual: every wait is a jump of the shared clock, so the test spends no seconds and runs the
 * same way every time.
 */
describe('concurrent callers under 429s', () => {
  let fake: FakeToggl;
  let time: VirtualTime;

  beforeEach(async () => {
    time = new VirtualTime(T0);
    fake = new FakeToggl({ now: time.now });
    await fake.start();
    seedScenario(fake);
    fake.limits.leakyBucket = { ratePerSecond: 1, capacity: 1 };
  });
  afterEach(() => fake.stop());

  /** One process each: its own client, limiter and jitter source. */
  const processes = (random: (i: number) => () => number) =>
    Array.from(
      { length: CALLERS },
      (_, i) =>
        new TogglClient({
          apiToken: fake.apiToken,
          endpoints: fake.endpoints(),
          now: time.now,
          retry: { sleep: time.sleep, random: random(i) },
        }),
    );
  const statuses = () => fake.requestsTo('GET', '/api/v9/me/workspaces').map((r) => r.status);

  it(`all succeed from ${CALLERS} processes: jittered waits spread them over the bucket`, async () => {
    const clients = processes((i) => seededRandom(1000 + i));
    const results = await time.run(clients.map((c) => () => c.workspaces()));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(statuses().filter((s) => s === 200)).toHaveLength(CALLERS);
    expect(statuses().filter((s) => s === 429).length).toBeGreaterThan(CALLERS);
  });

  it('without the jitter, the same callers come back together and some run out of waits', async () => {
    // The defect this replaces: every refused caller waited exactly the bucket's second, so each round
    // let one through and the rest collided again.
    const clients = processes(() => () => 0);
    const results = await time.run(clients.map((c) => () => c.workspaces()));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.map((r) => (r as PromiseRejectedResult).reason.code)).toContain('rate_limited');
  });

  it(`all succeed from one process of ${CALLERS} callers: its limiter queues them at Toggl's safe rate`, async () => {
    const wid = fake.store.workspaces.keys().next().value as number;
    const config = parseTogglConfig(
      Array.from({ length: CALLERS }, (_, i) =>
        clientYaml(`client-${i}`, `{ workspaceId: ${wid}, projectIds: [${900 + i}] }`),
      ).join(''),
      fake.env(),
    );
    const toggl = buildToggl(config, { now: time.now, sleep: time.sleep });
    const month = { start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' };
    const results = await time.run(
      config.clients.map((c) => () => toggl.ports.time.listTimeEntries({ ...month, clientId: c.id })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const searches = fake.requestsTo('POST', /\/search\/time_entries$/).map((r) => r.status);
    expect(searches.filter((s) => s === 200)).toHaveLength(CALLERS);
    expect(searches).toContain(429);
  });
});
