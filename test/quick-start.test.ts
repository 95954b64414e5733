// The README's quick start, as a new user runs it: a fresh clone of the committed HEAD (no
// node_modules, no sibling folders), then the README's own first command. The
// command is read from the README, so the two cannot drift. npm may use its cache (prefer-offline):
// the test machine has no internet. It takes a minute or two.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
let dir = '';

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The first command of the README's "Quick start": the first line of its first `sh` block. */
function quickStartCommand(readme: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  if (!section) throw new Error('the README has no "## Quick start" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  const command = block?.[1]
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (!command) throw new Error('the README\'s "Quick start" has no ```sh block with a command');
  return command;
}

function shell(command: string, cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd,
      env: {
        ...process.env,
        npm_config_prefer_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe('the README quick start, in a fresh clone', () => {
  it('finds the command in the README', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(quickStartCommand(readme)).toBe('npm ci && npm run demo');
    expect(() => quickStartCommand('# x\n## Quick start\nno block\n')).toThrow(/no ```sh block/);
  });

  it('runs it: the demo ends with exit 0 and prints blocks and drafts', async () => {
    const { stdout: head } = await run('git', ['-C', ROOT, 'rev-parse', 'HEAD']);
    dir = await mkdtemp(join(tmpdir(), 'vahub-clone-'));
    const clone = join(dir, 'vahub');
    await run('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
    await run('git', ['-C', clone, 'checkout', '--quiet', head.trim()]);
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    expect(await readdir(dir)).toEqual(['vahub']);

    const command = quickStartCommand(await readFile(join(clone, 'README.md'), 'utf8'));
    const { code, out, err } = await shell(command, clone);
    expect(code, `${command} failed:\n${err.slice(-3000)}`).toBe(0);
    expect(out).toContain('1. Asana tasks become focus blocks in Google Calendar');
    expect(out).toMatch(/created \d+ · moved 0 · kept 0 · deleted 0/);
    expect(out).toContain('2. Toggl time becomes Xero draft invoices');
    expect(out).toMatch(/→ Xero INV-\d+ \(DRAFT\)/);
    expect(out).toContain('Xero holds 3 draft invoices: nothing was billed twice.');
    expect(out).toContain('3. The service');
    expect(out).toContain('Service stopped');
  }, 600_000);
});
