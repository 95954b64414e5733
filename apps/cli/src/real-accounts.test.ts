// The road to real accounts, run as a person would: `vahub` as a child process against the four
// fakes (real connectors, SDKs and OAuth) and a private Redis with persistence and noeviction.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildInvoiceDraft,
  formatInstant,
  formatPreviewText,
  MemoryLock,
  MemoryTokenStore,
  periodContaining,
  previewObject,
  retainerAlreadyInvoicedHours,
  silentLogger,
  startOfLocalDate,
} from '@vahub/core';
import { DEMO_NOW } from '@vahub/demo';
import { createRedis } from '@vahub/jobs';
import { buildConnectors, type Config, neutralClient, parseVahubConfig } from '@vahub/registry';
import { deferred } from '@vahub/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STACK_FRAME } from './test-support/subprocess.js';
import { type CliWorld, startCliWorld } from './test-support/world.js';

// Each run starts node and tsx (seconds on a busy machine); independent runs go in parallel.
vi.setConfig({ testTimeout: 120_000 });

let w: CliWorld;
const run = (...args: Parameters<CliWorld['run']>) => w.run(...args);
const cfg = () => w.cfg();

beforeAll(async () => {
  w = await startCliWorld();
}, 60_000);
afterAll(() => w.stop());

/** Follow the consent address the CLI prints, as the VA's browser would. */
function consent(): { onErr: (text: string) => void; done: Promise<void> } {
  const done = deferred();
  let followed = false;
  return {
    done: done.promise,
    onErr: (text) => {
      const url = /\n(http:\/\/127\.0\.0\.1:\d+\/\S+)\n/.exec(text)?.[1];
      if (!url || followed) return;
      followed = true;
      fetch(url)
        .then((res) => res.arrayBuffer())
        .then(() => done.resolve(), done.reject);
    },
  };
}

describe('vahub connect, doctor, invoice against the fakes', () => {
  it('connects all four apps: tokens checked with one call, OAuth through the consent pages, no browser', async () => {
    const asana = await run(['connect', 'asana', ...cfg(), '--json'], {
      ...w.base,
      ASANA_TOKEN: w.tokens.asana,
    });
    expect(asana.code, asana.err).toBe(0);
    expect(JSON.parse(asana.out)).toMatchObject({ ok: true, app: 'asana', stored: true });

    const toggl = await run(['connect', 'toggl', ...cfg(), '--token-stdin'], w.base, {
      input: `${w.tokens.toggl}\n`,
    });
    expect(toggl.code, toggl.err).toBe(0);
    expect(toggl.out).toMatch(/^✓ toggl connected as .+; kept in the encrypted store\.\n$/);

    const google = consent();
    const g = await run(['connect', 'google', ...cfg(), '--no-browser', '--timeout', '20'], w.base, google);
    await google.done;
    expect(g.code, g.err).toBe(0);
    expect(g.out).toContain('google connected as calendar "primary"');

    const xero = consent();
    const x = await run(
      [
        'connect',
        'xero',
        ...cfg(),
        '--no-browser',
        '--json',
        '--redirect-uri',
        'http://127.0.0.1:0/connect/xero/callback',
      ],
      w.base,
      xero,
    );
    await xero.done;
    expect(x.code, x.err).toBe(0);
    const answer = JSON.parse(x.out);
    expect(answer.reaches.map((r: { id: string }) => r.id).sort()).toEqual(
      [...w.fakes.xero.tenants.keys()].sort(),
    );
    // What was stored is sealed: no token readable in Redis.
    const raw = createRedis(w.redis.url);
    const values = await Promise.all((await raw.keys('*token*')).map((k) => raw.get(k)));
    await raw.quit();
    expect(values.length).toBeGreaterThanOrEqual(4);
    for (const v of values) expect(v).not.toContain(w.tokens.asana);
  });

  it('doctor passes on the good setup, with the stored tokens only', async () => {
    const good = await run(['doctor', ...cfg(), '--json']);
    const report = JSON.parse(good.out);
    expect(report.findings.filter((f: { ok: boolean }) => !f.ok)).toEqual([]);
    expect(good.code).toBe(0);
    const checks = report.findings.map((f: { check: string }) => f.check);
    for (const c of [
      'config',
      'redis eviction policy',
      'redis persistence',
      'Xero credential',
      'koala-co invoice contact',
    ]) {
      expect(checks).toContain(c);
    }
    const text = await run(['doctor', ...cfg()]);
    expect(text.out).toMatch(/✓ Asana credential\n/);
    expect(text.out).toMatch(/All good\.\n$/);
  });

  it('ids lists, from each connected app, every id the config uses, as JSON and as text', async () => {
    const [asana, toggl, xero, text, google] = await Promise.all([
      run(['ids', 'asana', ...cfg(), '--json']),
      run(['ids', 'toggl', ...cfg(), '--json']),
      run(['ids', 'xero', ...cfg(), '--json']),
      run(['ids', 'xero', ...cfg()]),
      run(['ids', 'google', ...cfg()]),
    ]);
    for (const r of [asana, toggl, xero, text]) expect(r.code, r.err).toBe(0);
    type Table = { title: string; configKey: string; within?: string; rows: Record<string, string>[] };
    const listed = (r: typeof asana, key: string, column: string, within?: string) =>
      (JSON.parse(r.out).tables as Table[])
        .filter((t) => t.configKey === key && (within === undefined || t.within?.includes(within)))
        .flatMap((t) => t.rows.map((row) => row[column]));
    for (const c of w.config.clients) {
      for (const gid of c.asana?.projects ?? [])
        expect(listed(asana, 'clients[].asana.projects', 'gid')).toContain(gid);
      if (c.toggl) {
        expect(listed(toggl, 'clients[].toggl.workspaceId', 'id')).toContain(String(c.toggl.workspaceId));
        const ws = `(${c.toggl.workspaceId})`;
        if (c.toggl.clientId !== undefined)
          expect(listed(toggl, 'clients[].toggl.clientId', 'id', ws)).toContain(String(c.toggl.clientId));
        for (const p of c.toggl.projectIds)
          expect(listed(toggl, 'clients[].toggl.projectIds', 'id', ws)).toContain(String(p));
      }
      const x = c.xero;
      if (!x) continue;
      const org = `(${x.tenantId})`;
      expect(listed(xero, 'clients[].xero.tenantId', 'tenantId')).toContain(x.tenantId);
      expect(listed(xero, 'clients[].xero.contactId', 'ContactID', org)).toContain(x.contactId);
      expect(listed(xero, 'clients[].xero.accountCode', 'Code', org)).toContain(x.accountCode);
      expect(listed(xero, 'clients[].xero.taxType', 'TaxType', org)).toContain(x.taxType);
      expect(listed(xero, 'clients[].billing.currency', 'Code', org)).toContain(c.billing.currency);
    }
    expect(text.out).toMatch(/^organisations → clients\[\]\.xero\.tenantId\n {2}tenantId {2,}name\n/);
    expect(text.out).toMatch(
      /\nrevenue accounts in .+ → clients\[\]\.xero\.accountCode\n {2}Code {2}name {2,}type\n {2}200 {3}Sales/,
    );
    expect(text.err).toMatch(/^Reading Xero…\n$/);
    expect(google.code).toBe(2);
    expect(google.err).toMatch(/Google Calendar has nothing to list here/);
  });

  it('init writes a config from flags that doctor passes against the fakes; refuses to overwrite or to write a bad one', async () => {
    const file = join(w.dir, 'init.yaml');
    const va = [
      '--va-name',
      'Réka',
      '--va-timezone',
      'Europe/Budapest',
      '--hours',
      'mon-thu=08:30-12:30, 13:15-17:00;fri=08:30-13:00',
    ];
    const koala =
      'id=koala-co,name=Koala Co Pty Ltd,timezone=Australia/Sydney,currency=AUD,rate=55.00,asana=1207000000000001,' +
      'toggl-workspace=4242,toggl-client=9001,xero-tenant=c2cc9b6e-9458-4c7d-93cc-f02b81b0594f,' +
      'xero-contact=717f2bfc-c6d4-41fd-b238-3f2f0c0cf777,account=200,tax=OUTPUT';
    const made = await run(['init', '--config', file, ...va, koala]);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toContain(`Wrote ${file} with 1 client.`);
    const written = parseVahubConfig(await readFile(file, 'utf8'), { env: w.base });
    expect(written.va).toMatchObject({ name: 'Réka', timezone: 'Europe/Budapest' });
    expect(written.clients[0]).toMatchObject({
      id: 'koala-co',
      asana: { projects: ['1207000000000001'] },
      toggl: { workspaceId: 4242, clientId: 9001 },
      billing: { currency: 'AUD', hourlyRate: '55.00' },
      xero: { accountCode: '200', taxType: 'OUTPUT' },
    });
    const [checked, again, bad] = await Promise.all([
      run(['doctor', '--config', file, '--json']),
      run(['init', '--config', file, ...va, koala]),
      run([
        'init',
        '--config',
        join(w.dir, 'bad-init.yaml'),
        ...va,
        'id=x,timezone=Mars/Olympus,currency=AUD,rate=1',
      ]),
    ]);
    expect(JSON.parse(checked.out).findings.filter((f: { ok: boolean }) => !f.ok)).toEqual([]);
    expect(checked.code).toBe(0);
    expect(again.code).toBe(2);
    expect(again.err).toContain('exists: keep it, or add --force');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/clients\[0\]\.timezone[\s\S]*Nothing was written/);
    expect(bad.err).not.toMatch(STACK_FRAME);
  });

  it('invoice preview prints the engine’s numbers, as text and as JSON', async () => {
    const json = await run([
      'invoice',
      'preview',
      '--client',
      'koala-co',
      '--period',
      '2026-11',
      ...cfg(),
      '--json',
    ]);
    expect(json.code, json.err).toBe(0);
    const got = JSON.parse(json.out);
    // The engine in this process, on the same Toggl data.
    const built = buildConnectors(w.config, {
      tokens: new MemoryTokenStore(),
      lock: new MemoryLock(),
      logger: silentLogger,
    });
    const client = neutralClient(w.config.clients[0] as Config['clients'][number]);
    const period = periodContaining(
      'month',
      startOfLocalDate('2026-11-01', client.timezone),
      client.timezone,
    );
    const entries = await built.ports.time.listTimeEntries({
      clientId: client.id,
      start: formatInstant(period.start),
      end: formatInstant(period.end),
    });
    const common = {
      clientId: client.id,
      billing: client.billing,
      target: built.ports.invoices.target(client.id),
      period,
      entries,
    };
    const expected = buildInvoiceDraft({
      ...common,
      names: await built.ports.time.names(client.id),
      invoicedTag: client.billing.invoicedTag,
      retainerAlreadyInvoicedHours: retainerAlreadyInvoicedHours(common),
    });
    await built.close();
    expect(expected.draft).not.toBeNull();
    expect(got.preview).toEqual(JSON.parse(JSON.stringify(previewObject(expected))));
    const text = await run(['invoice', 'preview', '--client', 'koala-co', '--period', '2026-11', ...cfg()]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(formatPreviewText(expected));
    expect(text.out).toContain('2026-11-01 – 2026-11-30 in Australia/Sydney');
  });

  it('invoice draft creates the draft and tags the time; a second run finds nothing new and creates nothing', async () => {
    const argv = ['invoice', 'draft', '--client', 'hudson-legal', '--period', '2026-10', ...cfg(), '--json'];
    const first = await run(argv);
    expect(first.code, first.err).toBe(0);
    const made = JSON.parse(first.out);
    expect(made.invoice.status).toBe('DRAFT');
    expect(made.tagged).toBeGreaterThan(0);
    const second = JSON.parse((await run(argv)).out);
    expect(second.invoice).toBeNull();
    expect(second.preview.reason).toBeTruthy();
    const invoices = w.fakes.xero.tenants.get('0b1e8a3c-4d5e-4f60-8a1b-2c3d4e5f6a7b')?.invoices;
    expect(
      [...(invoices?.values() ?? [])].filter((i) => i.Reference === made.preview.reference),
    ).toHaveLength(1);
  });
});

describe('vahub plan', () => {
  it('shows the plan with deadlines and reasons; --dry-run writes nothing, without it the calendar follows', async () => {
    const now = ['--now', DEMO_NOW];
    const dry = await run(['plan', '--dry-run', ...now, ...cfg(), '--json']);
    expect(dry.code, dry.err).toBe(0);
    const plan = JSON.parse(dry.out);
    const created = /created (\d+)/.exec(plan.counts)?.[1];
    expect(Number(created)).toBeGreaterThan(0);
    expect(plan.blocks.length).toBe(Number(created));
    for (const b of plan.blocks) {
      expect(b.change).toBe('created');
      expect(b.why.length).toBeGreaterThan(0);
    }
    expect(plan.blocks.map((b: { deadline: string }) => b.deadline)).toContain(
      'due 2026-12-01 in Sydney: before Tue 2026-12-01 14:00 Budapest',
    );
    const applied = await run(['plan', ...now, ...cfg()]);
    expect(applied.code, applied.err).toBe(0);
    // Nothing was written by the dry run: the real run creates the same blocks.
    expect(applied.out).toMatch(
      new RegExp(`^Done: created ${created} · moved 0 · kept 0 · deleted 0 \\(times in Budapest\\)`),
    );
    const again = await run(['plan', '--dry-run', '--client', 'koala-co', ...now, ...cfg()]);
    expect(again.out).toMatch(/^Would do: created 0 · moved 0 · kept \d+ · deleted 0/);
    expect(again.out).toContain('koala-co');
    expect(again.out).not.toContain('thames-studio');
  });
});

describe('no secret in any output', () => {
  it('of the runs above: tokens, client secrets, the webhook key, the encryption key', () => {
    const secrets = [
      w.tokens.asana,
      w.tokens.toggl,
      w.key,
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
