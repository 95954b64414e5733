// The service's processes as the tests run them: `apps/worker/src/service/main.ts` through tsx, with
// their output gathered, started until they print "service ready", stopped with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'apps/worker/src/service/main.ts');

/** How long a process may take to print "service ready": tsx compiles the sources first, slow on a loaded machine. */
const START_TIMEOUT_MS = 90_000;

export async function startProcess(
  env: Record<string, string>,
  args: string[],
  logs: string[],
  spawned: ChildProcess[],
): Promise<{ child: ChildProcess; url: string | null }> {
  const child = spawn(process.execPath, ['--conditions=vahub-source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.push(child);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`service did not start:\n${logs.join('\n')}`)),
      START_TIMEOUT_MS,
    );
    child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        if (line.includes('"service ready"')) {
          clearTimeout(timer);
          resolve({ child, url: (JSON.parse(line) as { url: string | null }).url });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${logs.join('\n')}`));
    });
  });
}

/** Stop a process with SIGTERM (it drains); SIGKILL after `killAfterMs`. Resolves with its exit code (null: killed). */
export function terminate(child: ChildProcess, killAfterMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** A port free right now on 127.0.0.1 (the receiver's, when the config must name its public URL). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
