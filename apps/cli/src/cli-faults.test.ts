// What a person gets wrong, run as they would: `vahub` as a child process against the fakes and a
// private Redis, each fault named with its fix, never a stack trace (unless --debug), never a secret.
import { join } from 'node:path';
import { createRedis } from '@vahub/jobs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Run, STACK_FRAME } from './test-support/subprocess.js';
import { type CliWorld, connectInProcess, startCliWorld } from './test-support/world.js';

// Each run starts node and tsx (seconds on a busy machine); independent runs go in parallel.
vi.setConfig({ testTimeout: 120_000 });

let w: CliWorld;
const run = (...args: Parameters<CliWorld['run']>) => w.run(...args);
const cfg = () => w.cfg();

beforeAll(async () => {
  w = await startCliWorld();
  await connectInProcess(w);
}, 60_000);
afterAll(() => w.stop());

interface Finding {
  check: string;
  ok: boolean;
  problem?: string;
  fix?: string;
}

async function doctor(env: Record<string, string>, file = w.configFile): Promise<Finding[]> {
  const result = await run(['doctor', '--config', file, '--json'], env);
  expect(result.code, result.err).toBe(1);
  expect(result.err).not.toMatch(STACK_FRAME);
  const report = JSON.parse(result.out) as { ok: boolean; findings: Finding[] };
  expect(report.ok).toBe(false);
  return report.findings.filter((f) => !f.ok);
}

describe('vahub doctor names the fault and the fix', () => {
  it('a missing config, a bad one, a bad key, Redis down', async () => {
    const mars = await w.configWith('mars.yaml', (t) =>
      t.replace('timezone: Europe/Budapest', 'timezone: Mars/Olympus'),
    );
    const [missing, bad, badKey, down] = await Promise.all([
      doctor(w.base, join(w.dir, 'nope.yaml')),
      doctor(w.base, mars),
      doctor({ ...w.base, VAHUB_ENCRYPTION_KEY: 'short' }),
      doctor({ ...w.base, REDIS_URL: 'redis://127.0.0.1:1' }),
    ]);
    expect(missing).toEqual([
      expect.objectContaining({ check: 'config', fix: expect.stringContaining('vahub init') }),
    ]);
    expect(bad).toEqual([
      expect.objectContaining({
        check: 'config',
        problem: expect.stringMatching(/va\.timezone.*Mars\/Olympus/s),
      }),
    ]);
    expect(badKey).toEqual([
      expect.objectContaining({
        check: 'secret VAHUB_ENCRYPTION_KEY',
        fix: expect.stringContaining('openssl rand -hex 32'),
      }),
    ]);
    expect(down).toEqual([
      expect.objectContaining({
        check: 'redis reachable',
        problem: expect.stringContaining('127.0.0.1:1 is not reachable'),
      }),
    ]);
  });

  it('a missing secret is blamed on its variable', async () => {
    const { GOOGLE_CLIENT_SECRET: _gone, ...rest } = w.base;
    expect(await doctor(rest)).toEqual([
      {
        check: 'secret GOOGLE_CLIENT_SECRET',
        ok: false,
        problem: expect.stringContaining('GOOGLE_CLIENT_SECRET is not set (Google Calendar'),
        fix: expect.stringContaining('export GOOGLE_CLIENT_SECRET=…'),
      },
    ]);
  });

  it('a dead token, a project and a contact that do not exist, in one run', async () => {
    const file = await w.configWith('ids.yaml', (t) =>
      t
        .replace('projects: ["1207000000000001"]', 'projects: ["1207999999999999"]')
        .replace('9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', '9d8c7b6a-0000-4d3c-8b2a-1f0e9d8c7b6a'),
    );
    const failed = await doctor({ ...w.base, TOGGL_API_TOKEN: 'not-a-real-token' }, file);
    const by = (check: string) => failed.find((f) => f.check === check);
    expect(by('Toggl Track credential')?.fix).toContain('vahub connect toggl');
    expect(by('koala-co task projects')?.problem).toContain('1207999999999999');
    expect(by('koala-co task projects')?.fix).toContain('clients[0].asana.projects');
    expect(by('hudson-legal invoice contact')?.problem).toBe(
      'the contact does not exist in that organisation',
    );
    expect(by('hudson-legal invoice contact')?.fix).toContain('clients[2].xero');
  });

  it('a revenue account that is not one, a tax type gone inactive, a currency the organisation lacks', async () => {
    const file = await w.configWith('settings.yaml', (t) =>
      t
        .replace('accountCode: "200"\n      taxType: OUTPUT\n', 'accountCode: "400"\n      taxType: OUTPUT\n')
        .replace('currency: USD', 'currency: CAD'),
    );
    const [au] = w.fakes.xero.tenants.values();
    const rate = au?.taxRates.get('OUTPUT2');
    if (!au || !rate) throw new Error('the demo organisation has no OUTPUT2');
    au.taxRates.set('OUTPUT2', { ...rate, Status: 'ARCHIVED' });
    try {
      const failed = await doctor(w.base, file);
      const by = (check: string) => failed.find((f) => f.check === check);
      expect(by('koala-co invoice account code')).toEqual({
        check: 'koala-co invoice account code',
        ok: false,
        problem: 'clients[0].xero.accountCode: account 400 (Advertising) is EXPENSE, not a revenue account',
        fix: 'correct clients[0].xero.accountCode in the config (`vahub ids xero` lists what fits)',
      });
      expect(by('thames-studio invoice tax type')?.problem).toBe(
        `clients[1].xero.taxType: tax type OUTPUT2 (OUTPUT2) is archived in "${au.tenantName}"`,
      );
      expect(by('thames-studio invoice tax type')?.fix).toContain('vahub ids xero');
      expect(by('hudson-legal invoice currency')?.problem).toMatch(
        /^clients\[2\]\.billing\.currency: CAD is neither .*base currency \(USD\)/,
      );
      expect(by('hudson-legal invoice currency')?.fix).toMatch(
        /^correct clients\[2\]\.billing\.currency .*, or add CAD to the organisation's currencies in Xero/,
      );
      expect(failed.map((f) => f.check).sort()).toEqual([
        'hudson-legal invoice currency',
        'koala-co invoice account code',
        'thames-studio invoice tax type',
      ]);
      // check --online runs the same checks.
      const online = await run(['check', '--online', '--config', file]);
      expect(online.code).toBe(1);
      expect(online.out).toContain('✗ koala-co invoice account code: clients[0].xero.accountCode');
    } finally {
      au.taxRates.set('OUTPUT2', rate);
    }
  });

  it('Redis that may evict keys', async () => {
    const admin = createRedis(w.redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      expect(await doctor(w.base)).toEqual([
        expect.objectContaining({
          check: 'redis eviction policy',
          fix: expect.stringContaining('noeviction'),
        }),
      ]);
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.quit();
    }
  });
});

describe('user errors: a clear line and an exit code, no stack trace, no secret', () => {
  it('missing config, bad config, unknown client, Redis down, usage', async () => {
    const preview = (extra: string[], env = w.base) =>
      run(['invoice', 'preview', '--period', '2026-11', ...extra], env);
    const cases: [Promise<Run>, number, RegExp][] = [
      [
        preview(['--client', 'koala-co', '--config', join(w.dir, 'nope.yaml')]),
        2,
        /does not exist[\s\S]*vahub init/,
      ],
      [preview(['--client', 'koala-co', '--config', join(w.dir, 'mars.yaml')]), 2, /va\.timezone/],
      [
        preview(['--client', 'nobody', ...cfg()]),
        2,
        /no client "nobody".*use one of koala-co, thames-studio, hudson-legal/,
      ],
      [
        preview(['--client', 'koala-co', ...cfg()], { ...w.base, REDIS_URL: 'redis://127.0.0.1:1' }),
        3,
        /Redis at 127\.0\.0\.1:1 is not reachable/,
      ],
      [
        run(['connect', 'dropbox', ...cfg()]),
        2,
        /unknown app "dropbox": use one of asana, toggl, google, xero/,
      ],
      [run(['ids', ...cfg()]), 2, /say which app: vahub ids asana\|toggl\|google\|xero/],
      // Another installation's keys (VAHUB_PREFIX): nothing stored there, no ASANA_TOKEN set.
      [
        run(['ids', 'asana', ...cfg()], { ...w.base, VAHUB_PREFIX: 'elsewhere' }),
        4,
        /Asana is not connected: run `vahub connect asana` first/,
      ],
      [
        run(['ids', 'toggl', ...cfg()], { ...w.base, VAHUB_ENDPOINT_TOGGL_API: 'http://127.0.0.1:1/api/v9' }),
        3,
        /^vahub ids: .*toggl/m,
      ],
    ];
    const results = await Promise.all(cases.map(([r]) => r));
    for (const [i, [, code, message]] of cases.entries()) {
      const result = results[i] as Run;
      expect(result.code, result.err).toBe(code);
      expect(result.err).toMatch(message);
      expect(result.err).not.toMatch(STACK_FRAME);
      expect(result.out).toBe('');
    }
  });

  it('an expired grant says to reconnect (exit 4); disconnect forgets it; --debug shows a stack, never a secret', async () => {
    const imported = await run(['connect', 'xero', ...cfg(), '--refresh-token', '-'], w.base, {
      input: 'expired-refresh-token-0123456789',
    });
    expect(imported.code, imported.err).toBe(4);
    expect(imported.err).toContain('vahub connect xero');
    expect(imported.err).not.toMatch(STACK_FRAME);

    const gone = await run(['disconnect', 'xero', ...cfg()]);
    expect(gone.code, gone.err).toBe(0);
    const failed = await doctor(w.base);
    expect(failed).toEqual(
      [expect.objectContaining({ check: 'Xero credential', fix: 'run `vahub connect xero`' })].concat(
        failed.filter((f) => f.check !== 'Xero credential'),
      ),
    );
    const debug = await run([
      'invoice',
      'draft',
      '--client',
      'koala-co',
      '--period',
      '2026-11',
      ...cfg(),
      '--debug',
    ]);
    expect(debug.code).toBe(4);
    expect(debug.err).toMatch(STACK_FRAME);

    const secrets = [
      w.tokens.asana,
      w.tokens.toggl,
      w.key,
      'expired-refresh-token-0123456789',
      ...['GOOGLE_CLIENT_SECRET', 'XERO_CLIENT_SECRET', 'XERO_WEBHOOK_KEY'].map(
        (name) => w.base[name] as string,
      ),
    ];
    expect(w.runs.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      for (const r of w.runs) expect(`${r.out}${r.err}`).not.toContain(secret);
    }
  });
});
