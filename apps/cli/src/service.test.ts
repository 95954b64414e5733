// `vahub start`, `sync`, `status` and `undo blocks` as a person runs them: child processes against
// the four fakes and a private Redis (persistence, noeviction), the tokens and grants in its store.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type CalendarBlock, formatInstant, silentLogger } from '@vahub/core';
import type { StatusSnapshot } from '@vahub/dashboard';
import { createRedis, RedisLock, RedisTokenStore } from '@vahub/jobs';
import { buildConnectors } from '@vahub/registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Running, STACK_FRAME, vahubRunning } from './test-support/subprocess.js';
import { type CliWorld, connectInProcess, startCliWorld } from './test-support/world.js';

vi.setConfig({ testTimeout: 180_000 });

let w: CliWorld;
let service: Running | null = null;

beforeAll(async () => {
  w = await startCliWorld();
  await connectInProcess(w);
}, 90_000);
afterAll(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  await w.stop();
});

/** The calendar as vahub sees it, read in this process: vahub's blocks and the busy time around them. */
async function readCalendar(): Promise<{ blocks: CalendarBlock[]; busy: unknown }> {
  const redis = createRedis(w.redis.url);
  const tokens = new RedisTokenStore({ redis, key: Buffer.from(w.key, 'hex') });
  const built = buildConnectors(w.config, { tokens, lock: new RedisLock({ redis }), logger: silentLogger });
  try {
    const now = Date.now();
    const window = { start: formatInstant(now - 86_400_000), end: formatInstant(now + 60 * 86_400_000) };
    const { calendar } = built.ports;
    return { blocks: await calendar.listBlocks(window), busy: await calendar.busy(window) };
  } finally {
    await built.close();
    await redis.quit();
  }
}

/** The OAuth grants in the world's store (access and refresh tokens). */
async function grants(): Promise<string[]> {
  const redis = createRedis(w.redis.url);
  try {
    const tokens = new RedisTokenStore({ redis, key: Buffer.from(w.key, 'hex') });
    const out: string[] = [];
    for (const app of ['google', 'xero']) {
      const grant = await tokens.get(app);
      if (grant?.accessToken) out.push(grant.accessToken);
      if (grant?.refreshToken) out.push(grant.refreshToken);
    }
    return out;
  } finally {
    await redis.quit();
  }
}

/** A local date `days` from now, as Asana's due_on. */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('vahub start, sync, status, undo blocks', () => {
  it('runs the service: a new task gets its blocks on sync, status agrees with the dashboard, SIGTERM exits 0', async () => {
    service = vahubRunning(['start', ...w.cfg(), '--port', '0', '--dashboard-port', '0', '--json'], w.base);
    const started = JSON.parse((await service.waitForOut(/^\{[\s\S]*\n\}\n/, 90_000))[0]);
    expect(started).toMatchObject({ running: true, worker: true });
    expect(started.webhooks).toMatch(/^http:\/\/.+:\d+$/);
    expect(started.dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    // A task the VA was just given, due in a week.
    const asana = w.fakes.asana;
    const va = [...asana.state.users.values()].find((u) => u.token === w.tokens.asana);
    const task = asana.createTask({
      name: 'Prepare the December board pack',
      projects: ['1207000000000001'],
      assignee: va?.gid ?? null,
      completed: false,
      dueOn: dayFromNow(7),
      dueAt: null,
      customFields: {},
    });
    const sync = await w.run(['sync', ...w.cfg(), '--client', 'koala-co', '--json']);
    expect(sync.code, sync.err).toBe(0);
    const synced = JSON.parse(sync.out);
    expect(synced).toMatchObject({ waited: true });
    expect(synced.workers).toBeGreaterThan(0);
    expect(synced.finished.map((f: { state: string }) => f.state)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
    const { blocks } = await readCalendar();
    const mine = blocks.filter((b) => b.taskId === task.gid);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((b) => b.clientId === 'koala-co' && b.title.includes('December board pack'))).toBe(
      true,
    );

    // The service runs its schedulers meanwhile: a sweep that fires between the two reads moves the
    // queue counts. Read both again (at most five times) until they were taken at a quiet moment.
    const readBoth = () =>
      Promise.all([
        w.run(['status', ...w.cfg(), '--json']),
        fetch(new URL('api/snapshot', started.dashboard)).then((r) => r.json() as Promise<StatusSnapshot>),
      ]);
    let [status, api] = await readBoth();
    for (let i = 1; i < 5 && status.code === 0; i++) {
      if (JSON.stringify(JSON.parse(status.out).health.queues) === JSON.stringify(api.health.queues)) break;
      [status, api] = await readBoth();
    }
    expect(status.code, status.err).toBe(0);
    const snap = JSON.parse(status.out);
    expect(snap.version).toBe(api.version);
    expect(snap.week.status).toBe('ok');
    expect(snap.week).toEqual(api.week);
    // (The week may hold no block yet: on a weekend the new blocks are in next week's.)
    expect(snap.clients.map((c: { billing: unknown }) => c.billing)).toEqual(
      api.clients.map((c: { billing: unknown }) => c.billing),
    );
    expect(snap.clients[0].billing.status).toBe('ok');
    expect(snap.health.queues).toEqual(api.health.queues);
    expect(snap.health.queues.status).toBe('ok');
    expect(snap.health.connections).toEqual({
      status: 'ok',
      data: [
        { connector: 'google', state: 'ok', action: null },
        { connector: 'xero', state: 'ok', action: null },
      ],
    });

    service.child.kill('SIGTERM');
    expect(await service.exited, service.err()).toBe(0);
    expect(service.err()).toContain('Stopped.');
    expect(service.err()).not.toMatch(STACK_FRAME);
  });

  it('undo blocks removes the future blocks of one client and nothing else', async () => {
    const before = await readCalendar();
    const now = Date.now();
    const isKoalaFuture = (b: CalendarBlock) => b.clientId === 'koala-co' && Date.parse(b.start) > now;
    const koala = before.blocks.filter(isKoalaFuture);
    const others = before.blocks.filter((b) => !isKoalaFuture(b));
    expect(koala.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);

    const dry = await w.run(['undo', 'blocks', '--client', 'koala-co', '--dry-run', ...w.cfg(), '--json']);
    expect(dry.code, dry.err).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ dryRun: true, removed: 0 });
    expect((await readCalendar()).blocks).toHaveLength(before.blocks.length);

    const undo = await w.run(['undo', 'blocks', '--client', 'koala-co', ...w.cfg()]);
    expect(undo.code, undo.err).toBe(0);
    expect(undo.out).toContain(`Removed ${koala.length} future block`);
    const after = await readCalendar();
    expect(after.blocks.map((b) => b.id).sort()).toEqual(others.map((b) => b.id).sort());
    // Meetings and other busy time are the VA's: untouched.
    expect(after.busy).toEqual(before.busy);
  });

  it('config that guides: check --online looks the ids up; a FIFO, a bad override, a YAML slip', async () => {
    const fifo = join(w.dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const wrongProject = await w.configWith('wrong-project.yaml', (t) =>
      t.replace('projects: ["1207000000000001"]', 'projects: ["1207999999999999"]'),
    );
    const slip = await w.configWith('slip.yaml', (t) => t.replace('calendar:\n', 'calendar:\n\t'));
    const [good, wrong, pipe, override, yaml] = await Promise.all([
      w.run(['check', '--online', ...w.cfg()]),
      w.run(['check', '--online', '--config', wrongProject]),
      w.run(['check', '--config', fifo]),
      w.run(['check', ...w.cfg()], { ...w.base, VAHUB_ENDPOINT_XERO_API: 'javascript:alert(1)' }),
      w.run(['check', '--config', slip]),
    ]);
    expect(good.code, good.out + good.err).toBe(0);
    expect(good.out).toContain('is valid.');
    expect(good.out).toContain('All good.');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/koala-co task projects: .*1207999999999999/);
    expect(wrong.out).toContain('clients[0].asana.projects');
    expect(pipe.code).toBe(1);
    expect(pipe.err).toContain('is not a regular file');
    expect(override.code).toBe(1);
    expect(override.err).toMatch(
      /VAHUB_ENDPOINT_XERO_API \(environment\): the scheme "javascript:" is not allowed.*fix or unset VAHUB_ENDPOINT_XERO_API/,
    );
    expect(yaml.code).toBe(1);
    expect(yaml.err).toMatch(/not valid YAML at line \d+, column \d+: Tabs are not allowed/);
    for (const r of [good, wrong, pipe, override, yaml]) expect(r.err).not.toMatch(STACK_FRAME);
  });

  it('with Redis down: start refuses with the fix, status prints what it can; no stack, no secret', async () => {
    const down = { ...w.base, REDIS_URL: 'redis://127.0.0.1:1' };
    const [start, status, bad, exposed] = await Promise.all([
      w.run(['start', ...w.cfg(), '--port', '0', '--dashboard-port', '0'], down),
      w.run(['status', ...w.cfg()], down),
      w.run(['start', ...w.cfg(), '--only', 'both']),
      w.run(['start', ...w.cfg(), '--dashboard-host', '0.0.0.0']),
    ]);
    expect(start.code).toBe(3);
    expect(start.err).toMatch(/Redis at 127\.0\.0\.1:1 is not reachable: start it/);
    expect(status.code).toBe(3);
    expect(status.out).toMatch(/unavailable: .*Redis at 127\.0\.0\.1:1 is not reachable/);
    expect(status.out).toContain('Koala Co Pty Ltd (koala-co, Australia/Sydney)');
    // The grants are in Redis: the OAuth apps say Redis is down, never "reconnect" for a grant that is fine.
    expect(status.out).toMatch(/drafts: Redis at 127\.0\.0\.1:1 is not reachable/);
    expect(status.out).not.toMatch(/vahub connect (xero|google)/);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--only takes "webhooks", "worker" or "planner", got "both"');
    expect(exposed.code).toBe(2);
    expect(exposed.err).toMatch(/would listen on 0\.0\.0\.0 without a login: set VAHUB_DASHBOARD_TOKEN/);
    for (const r of [start, status, bad, exposed]) expect(r.err).not.toMatch(STACK_FRAME);

    // Every secret this vahub holds: the two tokens, the key, the apps' client secrets, the OAuth grants.
    const secrets = [
      w.tokens.asana,
      w.tokens.toggl,
      w.key,
      ...Object.entries(w.base)
        .filter(([name]) => /TOKEN|SECRET|KEY|PASSWORD/i.test(name))
        .map(([, value]) => value),
      ...(await grants()),
    ].filter((v) => v.length >= 8);
    expect(secrets.length).toBeGreaterThan(6);
    const outputs = [...w.runs.flatMap((r) => [r.out, r.err]), service?.out() ?? '', service?.err() ?? ''];
    for (const secret of secrets) for (const text of outputs) expect(text).not.toContain(secret);
  });
});
