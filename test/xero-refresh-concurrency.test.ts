import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RedisTokenStore } from '@vahub/jobs';
import { testRedisUrl, uniquePrefix, within } from '@vahub/testkit';
import { FakeXero } from '@vahub/xero/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PROCESSES = 4;
const CALLERS_EACH = 5;
/** Bound on the children's start-up. */
const STARTUP_MS = 90_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/xero-refresh-child.ts', import.meta.url));

interface Report {
  pid: number;
  names: (string | null)[];
  calls: number;
  errors: string[];
}

/** A child process and its stdout, line by line. */
function start(env: Record<string, string>): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--conditions=vahub-source', '--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new Error('the child process ended without answering');
  return value;
}

let redis: Redis;
let fake: FakeXero;
/** Xero with 2-second access tokens, and limits out of the way of a load test. */
let shortLived: FakeXero;
const SHORT_TOKEN_SECONDS = 2;
beforeAll(async () => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  fake = new FakeXero();
  shortLived = new FakeXero({
    accessTokenSeconds: SHORT_TOKEN_SECONDS,
    limits: { perMinute: 1e6, perDay: 1e7, appPerMinute: 1e7, concurrent: 1e3 },
  });
  await Promise.all([fake.start(), shortLived.start()]);
});
afterAll(async () => {
  await Promise.all([fake.stop(), shortLived.stop()]);
  await redis.quit();
});

interface Outcome {
  reports: Report[];
  granted: { refresh_token?: string };
  store: RedisTokenStore;
  contactId: string;
}

interface ScenarioOptions {
  lockKind: 'redis' | 'memory';
  /** @defaultValue the 30-minute fake */
  xero?: FakeXero;
  /** Seed the grant expired, and hold the first refresh open so every process contends. @defaultValue true */
  expired?: boolean;
  /** Each caller calls again and again for this long. @defaultValue once */
  runMs?: number;
}

/** Seed a grant in Redis, start the processes together, and collect what each got. */
async function scenario(options: ScenarioOptions): Promise<Outcome> {
  const xero = options.xero ?? fake;
  const expired = options.expired ?? true;
  const prefix = uniquePrefix('xero-refresh');
  const key = randomBytes(32);
  const store = new RedisTokenStore({ redis, prefix, key });
  const granted = xero.grant();
  const issuedAt = Date.now();
  await store.set('xero', {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    ...(expired
      ? { expiresAt: issuedAt - 1000 }
      : { issuedAt, expiresAt: issuedAt + granted.expires_in * 1000 }),
  });
  const contact = xero.addContact({ name: 'Koala Co Pty Ltd' });
  if (expired) {
    xero.expireAccessTokens();
    // Hold the first refresh open so every process is contending while it is in flight.
    xero.server.faults.next({ status: 0, delayMs: 300, match: (req) => req.path === '/connect/token' });
  }

  const children = Array.from({ length: PROCESSES }, () =>
    start({
      REDIS_URL: testRedisUrl(),
      VAHUB_PREFIX: prefix,
      VAHUB_KEY_HEX: key.toString('hex'),
      XERO_CLIENT_ID: xero.clientId,
      XERO_CLIENT_SECRET: xero.clientSecret,
      XERO_ENDPOINTS: JSON.stringify(xero.endpoints()),
      XERO_TENANT_ID: xero.tenantId,
      XERO_CONTACT_ID: contact.ContactID,
      CALLERS: String(CALLERS_EACH),
      LOCK_KIND: options.lockKind,
      RUN_MS: String(options.runMs ?? 0),
    }),
  );
  try {
    const ready = await within(
      Promise.all(children.map((c) => nextLine(c.lines))),
      STARTUP_MS,
      'children ready',
    );
    expect(ready).toEqual(Array(PROCESSES).fill('ready'));
    for (const c of children) c.child.stdin?.write('go\n');
    const reports = (
      await within(
        Promise.all(children.map((c) => nextLine(c.lines))),
        60_000 + (options.runMs ?? 0),
        'children report',
      )
    ).map((line) => JSON.parse(line) as Report);
    expect(new Set(reports.map((r) => r.pid)).size).toBe(PROCESSES);
    return { reports, granted, store, contactId: contact.ContactID };
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill();
  }
}

// Four children compile the connector graph with tsx; on a machine busy with other test files that
// alone can take most of a minute.
describe('Xero refresh across processes', { timeout: STARTUP_MS + 90_000 }, () => {
  it(`${PROCESSES} processes × ${CALLERS_EACH} callers with an expired token: one refresh, no invalid_grant`, async () => {
    const { reports, granted, store, contactId } = await scenario({ lockKind: 'redis' });
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(reports.flatMap((r) => r.names)).toEqual(Array(PROCESSES * CALLERS_EACH).fill('Koala Co Pty Ltd'));
    const refreshes = fake.tokenRequests('refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.status).toBe(200);
    expect(fake.server.requests.filter((r) => r.status === 400)).toEqual([]);

    const stored = await store.get('xero');
    expect(stored?.refreshToken).not.toBe(granted.refresh_token);
    expect(fake.refreshTokenUsable(stored?.refreshToken ?? '')).toBe(true);
    const api = fake.server.requestsTo('GET', `/api.xro/2.0/Contacts/${contactId}`);
    expect(api.map((r) => r.status)).toEqual(Array(PROCESSES * CALLERS_EACH).fill(200));
    expect(new Set(api.map((r) => r.headers.authorization))).toEqual(
      new Set([`Bearer ${stored?.accessToken}`]),
    );
  });

  it('control: with a per-process lock the processes refresh more than once and the grant is lost', async () => {
    const before = fake.tokenRequests('refresh_token').length;
    const { reports } = await scenario({ lockKind: 'memory' });
    const refreshes = fake.tokenRequests('refresh_token').slice(before);
    expect(refreshes.length).toBeGreaterThan(1);
    expect(refreshes.some((r) => r.status === 400)).toBe(true);
    expect(reports.flatMap((r) => r.errors).some((e) => e.includes('invalid_grant'))).toBe(true);
  });

  it(`${PROCESSES} processes × ${CALLERS_EACH} callers on ${SHORT_TOKEN_SECONDS}-second tokens for 6 s: one refresh per token, no invalid_grant`, async () => {
    const { reports, store } = await scenario({
      lockKind: 'redis',
      xero: shortLived,
      expired: false,
      runMs: 6_000,
    });
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(reports.flatMap((r) => r.names)).toEqual(Array(PROCESSES * CALLERS_EACH).fill('Koala Co Pty Ltd'));
    const refreshes = shortLived.tokenRequests('refresh_token');
    expect(refreshes.map((r) => r.status)).toEqual(refreshes.map(() => 200));
    expect(shortLived.server.requests.filter((r) => r.status === 400)).toEqual([]);
    // The run spans three token lifetimes: the grant was refreshed, and each time with the newest token.
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    const stored = await store.get('xero');
    expect(shortLived.refreshTokenUsable(stored?.refreshToken ?? '')).toBe(true);
    // No token was replaced early: each served at least half its life before the next refresh, so
    // between the first and the last refresh there is at most one per half lifetime, whatever the
    // load did to the timing (the refresh lead is a quarter of the lifetime).
    const span = (refreshes.at(-1)?.at ?? 0) - (refreshes[0]?.at ?? 0);
    expect(refreshes.length).toBeLessThanOrEqual(1 + Math.floor(span / ((SHORT_TOKEN_SECONDS * 1000) / 2)));
    const calls = reports.reduce((n, r) => n + r.calls, 0);
    expect(calls).toBeGreaterThan(refreshes.length * 10);
  });
});
