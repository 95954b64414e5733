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
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/xero-refresh-child.ts', import.meta.url));

interface Report {
  pid: number;
  names: (string | null)[];
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
beforeAll(async () => {
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  fake = new FakeXero();
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
  await redis.quit();
});

interface Outcome {
  reports: Report[];
  granted: { refresh_token?: string };
  store: RedisTokenStore;
  contactId: string;
}

/** Seed an expired grant in Redis, start the processes together, and collect what each got. */
async function scenario(lockKind: 'redis' | 'memory'): Promise<Outcome> {
  const prefix = uniquePrefix('xero-refresh');
  const key = randomBytes(32);
  const store = new RedisTokenStore({ redis, prefix, key });
  const granted = fake.grant();
  await store.set('xero', {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    expiresAt: Date.now() - 1000,
  });
  fake.expireAccessTokens();
  const contact = fake.addContact({ name: 'Koala Co Pty Ltd' });
  // Hold the first refresh open so every process is contending while it is in flight.
  fake.server.faults.next({ status: 0, delayMs: 300, match: (req) => req.path === '/connect/token' });

  const children = Array.from({ length: PROCESSES }, () =>
    start({
      REDIS_URL: testRedisUrl(),
      VAHUB_PREFIX: prefix,
      VAHUB_KEY_HEX: key.toString('hex'),
      XERO_CLIENT_ID: fake.clientId,
      XERO_CLIENT_SECRET: fake.clientSecret,
      XERO_ENDPOINTS: JSON.stringify(fake.endpoints),
      XERO_TENANT_ID: fake.tenantId,
      XERO_CONTACT_ID: contact.ContactID,
      CALLERS: String(CALLERS_EACH),
      LOCK_KIND: lockKind,
    }),
  );
  try {
    const ready = await within(Promise.all(children.map((c) => nextLine(c.lines))), 25_000, 'children ready');
    expect(ready).toEqual(Array(PROCESSES).fill('ready'));
    for (const c of children) c.child.stdin?.write('go\n');
    const reports = (
      await within(Promise.all(children.map((c) => nextLine(c.lines))), 20_000, 'children report')
    ).map((line) => JSON.parse(line) as Report);
    expect(new Set(reports.map((r) => r.pid)).size).toBe(PROCESSES);
    return { reports, granted, store, contactId: contact.ContactID };
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill();
  }
}

describe('Xero refresh across processes', () => {
  it(`${PROCESSES} processes × ${CALLERS_EACH} callers with an expired token: one refresh, no invalid_grant`, async () => {
    const { reports, granted, store, contactId } = await scenario('redis');
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
    const { reports } = await scenario('memory');
    const refreshes = fake.tokenRequests('refresh_token').slice(before);
    expect(refreshes.length).toBeGreaterThan(1);
    expect(refreshes.some((r) => r.status === 400)).toBe(true);
    expect(reports.flatMap((r) => r.errors).some((e) => e.includes('invalid_grant'))).toBe(true);
  });
});
