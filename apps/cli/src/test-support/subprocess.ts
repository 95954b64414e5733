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

export interface Running {
  child: ReturnType<typeof spawn>;
  out(): string;
  err(): string;
  /** Resolves with the first match of `pattern` in stdout, or rejects after `timeoutMs`. */
  waitForOut(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** `vahub ...argv` left running (`vahub start`), with its output collected. */
export function vahubRunning(argv: readonly string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--conditions=vahub-source', '--import', 'tsx', MAIN, ...argv], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (d) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    waitForOut: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (!m) return;
          done();
          resolve(m);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms; stderr:\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        exited.then(() => {
          if (waiters.has(check)) {
            done();
            reject(new Error(`vahub ended before ${pattern}; stderr:\n${err}`));
          }
        });
        waiters.add(check);
        check();
      }),
  };
}
