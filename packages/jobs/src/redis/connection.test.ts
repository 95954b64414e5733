import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '@vahub/testkit';
import { describe, expect, it } from 'vitest';
import { serviceRedis } from '../test-support/redis.js';
import { assertNoEviction, createRedis } from './connection.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('assertNoEviction', () => {
  it('accepts a Redis that never evicts', async () => {
    const redis = serviceRedis();
    await expect(assertNoEviction(redis)).resolves.toBeUndefined();
    await redis.quit();
  });

  it('refuses one that may evict keys, naming the fix', async () => {
    // A Redis of this test's own: the shared one's settings are not ours to change.
    const dir = await mkdtemp(join(tmpdir(), 'vahub-redis-'));
    const port = await freePort();
    const server = spawn(
      '/usr/bin/redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await within(
        new Promise<void>((resolve) =>
          server.stdout.on('data', (d: Buffer) => {
            if (d.toString().includes('Ready to accept connections')) resolve();
          }),
        ),
        10_000,
        'redis-server starting',
      );
      const redis = createRedis(`redis://127.0.0.1:${port}`);
      await expect(assertNoEviction(redis)).rejects.toThrow(
        /maxmemory-policy is allkeys-lru.*set `maxmemory-policy noeviction`/,
      );
      await redis.quit();
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await within(exited, 10_000, 'redis-server stopping');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
