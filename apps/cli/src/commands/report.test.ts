// `vahub report weekly` in-process, on the demo's world: the real connectors against the fakes,
// handed to the command as its runtime (the default one needs Redis-held OAuth grants).
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportArchive, StoredWeeklyReport } from '@vahub/core';
import { DEMO_NOW, KOALA_PROJECT, type ReportWorld, startReportWorld } from '@vahub/demo';
import { neutralClient } from '@vahub/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { type ReportCommandDeps, reportCommand } from './report.js';

let world: ReportWorld;
let dir: string;
const archive = new Map<string, StoredWeeklyReport>();
const memoryArchive: ReportArchive = {
  save: async (r) => {
    archive.set(`${r.clientId} ${r.week}`, r);
  },
  get: async (clientId, week) => archive.get(`${clientId} ${week}`) ?? null,
};

beforeAll(async () => {
  world = await startReportWorld();
  dir = await mkdtemp(join(tmpdir(), 'vahub-report-cli-'));
}, 60_000);
afterAll(async () => {
  await world?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let opened = 0;
let closed = 0;
const deps = (extra: Partial<ReportCommandDeps> = {}): Partial<ReportCommandDeps> => ({
  open: async () => {
    opened += 1;
    return {
      clients: world.config.clients.map(neutralClient),
      reports: world.config.reports,
      ports: world.ports,
      archive: memoryArchive,
      close: async () => {
        closed += 1;
      },
    };
  },
  now: () => Date.parse(DEMO_NOW),
  ...extra,
});

async function run(argv: string[], extra: Partial<ReportCommandDeps> = {}) {
  let out = '';
  let err = '';
  const io = { out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (err += t) } };
  const code = await reportCommand(argv, io, deps(extra));
  return { code, out, err };
}

describe('vahub report weekly', () => {
  it('prints the client’s report of the week as HTML, and keeps it for the dashboard', async () => {
    const { code, out, err } = await run(['weekly', '--client', 'thames-studio', '--week', '2026-W48']);
    expect(code).toBe(0);
    expect(out).toMatch(/^<!doctype html>/);
    expect(out).toContain('<h1>Weekly report 2026-W48 · Thames Studio Ltd</h1>');
    expect(out).toContain('Portfolio website');
    expect(err).toBe(
      'Weekly report 2026-W48 for thames-studio; it waits for you to send (no posting configured).\n',
    );
    expect(archive.get('thames-studio 2026-W48')?.html).toBe(out);
    expect(closed).toBe(opened);
  });

  it('picks the week by the report rule: on Monday 30 November, the week just ended', async () => {
    const { code, out } = await run(['weekly', '--client', 'koala-co', '--format', 'md']);
    expect(code).toBe(0);
    expect(out).toContain('# Weekly report 2026-W48 · Koala Co Pty Ltd');
    expect(out).toContain('| Project | Task | Hours |');
  });

  it('writes Markdown or text to a file, and posts to Asana only when asked, once a week', async () => {
    const file = join(dir, 'koala.md');
    const first = await run([
      'weekly',
      '--client',
      'koala-co',
      '--week',
      '2026-W48',
      '--format',
      'md',
      '--out',
      file,
    ]);
    expect(first.code).toBe(0);
    expect(first.out).toBe('');
    expect(await readFile(file, 'utf8')).toBe(archive.get('koala-co 2026-W48')?.markdown);
    expect(first.err).toContain(
      `not posted (add --post to post it to status updates of Asana project ${KOALA_PROJECT})`,
    );
    expect(world.fakes.asana.statusUpdatesOf(KOALA_PROJECT)).toHaveLength(0);
    const postText = ['weekly', '--client', 'koala-co', '--week', '2026-W48', '--post', '--format', 'text'];
    const posted = await run(postText);
    expect(posted.err).toContain(`posted to status updates of Asana project ${KOALA_PROJECT}`);
    const again = await run(postText);
    expect(again.err).toContain('already posted to');
    const updates = world.fakes.asana.statusUpdatesOf(KOALA_PROJECT);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.text).toBe(posted.out);
    expect(archive.get('koala-co 2026-W48')?.published?.id).toBe(updates[0]?.gid);
  });

  it('prints a PDF through Chromium, given as VAHUB_CHROMIUM or found on the PATH', async () => {
    // A stand-in for Chromium that checks how it is called and writes what it was given: the real
    // Chromium is not installed where the tests run (the README says how the PDF was checked).
    const fake = join(dir, 'fake-chromium.sh');
    const seen = join(dir, 'seen.html');
    await writeFile(
      fake,
      `#!/bin/sh\nfor a in "$@"; do case "$a" in --print-to-pdf=*) out="\${a#--print-to-pdf=}";; file://*) page="\${a#file://}";; esac; done\ncase " $* " in *" --headless "*) ;; *) echo "not headless" >&2; exit 3;; esac\ncp "$page" "${seen}"\nprintf '%%PDF-1.4 stand-in' > "$out"\n`,
    );
    await chmod(fake, 0o755);
    const pdf = join(dir, 'koala.pdf');
    const ok = await run(
      ['weekly', '--client', 'koala-co', '--week', '2026-W48', '--format', 'pdf', '--out', pdf],
      {
        chromium: fake,
      },
    );
    expect(ok.code).toBe(0);
    expect(await readFile(pdf, 'utf8')).toBe('%PDF-1.4 stand-in');
    expect(await readFile(seen, 'utf8')).toBe(archive.get('koala-co 2026-W48')?.html);
    const missing = await run(['weekly', '--client', 'koala-co', '--format', 'pdf', '--out', pdf], {
      chromium: join(dir, 'no-such-chromium'),
    }).catch((e: unknown) => e);
    expect((missing as Error).message).toContain('PDF needs Chromium');
    expect((missing as Error).message).toContain('apt-get install chromium');
  });

  it('refuses what it cannot do, naming the fix, before reading anything', async () => {
    const before = opened;
    const cases: [string[], RegExp][] = [
      [['weekly'], /give the client: --client ID/],
      [['monthly', '--client', 'x'], /unknown report "monthly"/],
      [
        ['weekly', '--client', 'koala-co', '--week', '2026-49'],
        /"2026-49" is not an ISO week: write it like 2026-W49/,
      ],
      [['weekly', '--client', 'koala-co', '--format', 'docx'], /--format must be one of html, md, text, pdf/],
      [['weekly', '--client', 'koala-co', '--format', 'pdf'], /--format pdf writes a file: add --out FILE/],
      [['weekly', '--client', 'koala-co', '--colour'], /unknown option --colour/],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await run(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err).toMatch(message);
    }
    expect(opened).toBe(before);
    const unknown = await run(['weekly', '--client', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(
      'no client "nobody" in vahub.config.yaml: use one of koala-co, thames-studio, hudson-legal',
    );
  });

  it('is reached from the vahub command and listed in its help', async () => {
    let out = '';
    const io = { out: { write: (t: string) => (out += t) }, err: { write: () => undefined } };
    expect(await runCli(['report', '--help'], io)).toBe(0);
    expect(out).toContain('Usage: vahub report weekly --client ID');
    out = '';
    await runCli(['--help'], io);
    expect(out).toContain('report weekly --client ID');
  });
});
