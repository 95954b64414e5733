import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const EXAMPLE = fileURLToPath(new URL('../../../vahub.config.example.yaml', import.meta.url));

async function vahub(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: { write: (t: string) => (out += t) },
    err: { write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

describe('vahub check', () => {
  it('validates the example config and summarises its clients', async () => {
    for (const argv of [
      ['check', '--config', EXAMPLE],
      ['check', EXAMPLE],
    ]) {
      const { code, out, err } = await vahub(...argv);
      expect(code).toBe(0);
      expect(err).toBe('');
      expect(out).toContain(`${EXAMPLE} is valid.`);
      expect(out).toMatch(
        /koala-co\s+Australia\/Sydney\s+AUD 55\.00\/h, monthly, retainer 20 h for 1000\.00/,
      );
      expect(out).toMatch(/hudson-legal\s+America\/New_York\s+USD 62\.00\/h, monthly\n/);
    }
  });

  it('exits 1 with every problem named when the config is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vahub-check-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'va: { timezone: Mars/Olympus }\nclients: []\n');
    const { code, out, err } = await vahub('check', '--config', file);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('Mars/Olympus');
    expect(err).toContain('clients');
  });

  it('says when the file does not exist', async () => {
    const { code, err } = await vahub('check', '--config', '/nonexistent/vahub.config.yaml');
    expect(code).toBe(1);
    expect(err).toContain('does not exist');
  });
});

describe('vahub', () => {
  it('refuses unknown commands and options with usage, exit 2', async () => {
    for (const argv of [
      ['frobnicate'],
      ['check', '--cofnig', 'x'],
      ['demo', 'now'],
      ['check', 'a.yaml', 'b.yaml'],
    ]) {
      const { code, err } = await vahub(...argv);
      expect(code).toBe(2);
      expect(err).toContain('Usage: vahub <command>');
    }
  });

  it('prints help on --help (exit 0), and to stderr without a command (exit 2)', async () => {
    const help = await vahub('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/check \[--config FILE\]/);
    expect(help.out).toMatch(/\n {2}demo {2,}/);
    const bare = await vahub();
    expect(bare.code).toBe(2);
    expect(bare.err).toBe(`vahub: no command given\n\n${help.out}`);
    expect((await vahub('check', '--help')).code).toBe(0);
  });
});

describe('the commands on the common frame', () => {
  it('each has --help (exit 0) and refuses bad usage with exit 2 before touching Redis or an app', async () => {
    for (const [command, usage] of [
      ['connect', 'Usage: vahub connect asana|toggl|google|xero'],
      ['doctor', 'Usage: vahub doctor'],
      ['plan', 'Usage: vahub plan'],
      ['invoice', 'Usage: vahub invoice preview|draft'],
      ['init', 'Usage: vahub init'],
      ['ids', 'Usage: vahub ids asana|toggl|google|xero'],
    ] as const) {
      const help = await vahub(command, '--help');
      expect(help.code).toBe(0);
      expect(help.out.startsWith(usage)).toBe(true);
    }
    for (const [argv, message] of [
      [['connect'], 'say which app'],
      [['connect', 'asana', '--bogus'], 'unknown option --bogus'],
      [['invoice', 'preview', '--config', EXAMPLE], 'give the client: --client ID'],
      [['invoice', 'send', '--client', 'x'], 'unknown "send"'],
      [['plan', '--now', 'yesterday', '--config', EXAMPLE], '--now "yesterday" is not an ISO 8601 instant'],
      [['doctor', 'extra'], 'doctor takes no arguments'],
      [['init', '--config', EXAMPLE], 'exists: keep it, or add --force'],
      [['ids', 'dropbox'], 'unknown app "dropbox": use one of asana, toggl, google, xero'],
      [['ids', 'xero', 'extra'], 'unexpected "extra"'],
    ] as const) {
      const run = await vahub(...argv);
      expect(run.code, run.err).toBe(2);
      expect(run.err).toContain(message);
      expect(run.err).not.toMatch(/\n\s+at /);
    }
  });
});
