import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** Log every write to an append-only file, so a restart keeps the data. @defaultValue false */
  appendonly?: boolean;
  /** @defaultValue "noeviction" */
  maxmemoryPolicy?: string;
  /** @defaultValue "/usr/bin/redis-server", or `REDIS_SERVER_BIN` */
  binary?: string;
  /** Longest wait for the server to accept connections. @defaultValue 10 s */
  startTimeoutMs?: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * A private `redis-server` on 127.0.0.1, in its own temporary directory, for tests that stop,
 * kill, restart or reconfigure Redis: never the shared one. `stop()` and `kill()` keep the port and
 * directory, so `start()` again brings back the same server (with its data if `appendonly`).
 */
export class RedisServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {}

  /** Start a new server on a free port. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'vahub-redis-'));
    const server = new RedisServer(await freePort(), dir, options);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** (Re)start the server process on the same port and directory. */
  async start(): Promise<void> {
    if (this.child) return;
    const { options } = this;
    const child = spawn(
      options.binary ?? process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        options.appendonly ? 'yes' : 'no',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        options.maxmemoryPolicy ?? 'noeviction',
        '--daemonize',
        'no',
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`redis-server on port ${this.port} did not start within the bound:\n${output}`));
      }, options.startTimeoutMs ?? 10_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on port ${this.port} exited with ${code}:\n${output}`));
      });
      child.once('error', reject);
    });
    child.stdout?.removeAllListeners('data');
    child.stderr?.removeAllListeners('data');
    child.stdout?.resume();
    child.stderr?.resume();
    this.child = child;
  }

  /** Shut the server down cleanly (SIGTERM: an append-only file is flushed first). */
  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  /** Crash the server (SIGKILL): nothing is flushed. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  /** Stop the server and delete its directory. */
  async dispose(): Promise<void> {
    await this.end('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}
