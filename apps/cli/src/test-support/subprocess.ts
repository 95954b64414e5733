// Run `vahub` as a person would: a child process from the repository's sources, with its own environment.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

/**
 * `vahub ...argv`, with `env` as its whole environment (plus PATH and HOME). `onErr` sees stderr
 * as it arrives (to follow a consent address); `input` goes to stdin.
 */
export function vahub(
  argv: readonly string[],
  env: Record<string, string>,
  options: { input?: string; onErr?: (text: string) => void; cwd?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=vahub-source', '--import', 'tsx', MAIN, ...argv], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
      options.onErr?.(err);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(options.input ?? '');
  });
}

/** A stack trace's frames ("    at f (file:1:2)"): never shown for a person's mistake. */
export const STACK_FRAME = /\n\s+at .+[:(]/;
