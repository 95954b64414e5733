import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MemoryStateStore, silentLogger } from '@vahub/core';
import { describe, expect, it } from 'vitest';
import { parseVahubConfig } from './config.js';
import { connectors } from './connectors.js';
import { buildReceivers, loadReceiverConfig, receivers } from './receivers.js';

const example = fileURLToPath(new URL('../../../vahub.config.example.yaml', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SDK = /node_modules\/(asana|xero-node|@googleapis|googleapis-common|axios)\//;

/** The vendor SDK modules a fresh Node process has loaded after importing `specifier`. */
async function sdkModulesAfter(specifier: string): Promise<number> {
  const script = `await import(${JSON.stringify(specifier)});
const { createRequire } = await import('node:module');
const cache = createRequire(import.meta.url).cache;
console.log(Object.keys(cache).filter((k) => ${SDK}.test(k)).length);`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=vahub-source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: ROOT, timeout: 60_000 },
  );
  return Number(stdout.trim());
}

describe('the receiving halves of the connectors', () => {
  it('are the registry’s connectors, in its order, with the very same config declarations', () => {
    expect(receivers.map((r) => r.id)).toEqual(connectors.map((c) => c.id));
    receivers.forEach((r, i) => {
      expect(r.config).toBe(connectors[i]?.config);
      expect(r.auth).toBe(connectors[i]?.auth);
    });
  });

  it('load the config as the whole registry does', async () => {
    const env = { VAHUB_ENDPOINT_XERO_TOKEN: 'http://127.0.0.1:4000/connect/token' };
    const light = await loadReceiverConfig(example, { env });
    const { readFile } = await import('node:fs/promises');
    expect(light).toEqual(parseVahubConfig(await readFile(example, 'utf8'), { env, source: example }));
  });

  it('build a receiver for every connector, verifying with the secrets of the config', async () => {
    const key = 'a-webhook-key-of-the-test';
    const config = await loadReceiverConfig(example, {
      env: { XERO_CLIENT_ID: 'id', XERO_CLIENT_SECRET: 'secret', XERO_WEBHOOK_KEY: key },
    });
    const built = buildReceivers(config, { logger: silentLogger, state: new MemoryStateStore() });
    expect(Object.keys(built)).toEqual(['asana', 'toggl', 'google', 'xero']);
    const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'X' });
    const send = (signature: string) =>
      built.xero!.receive({
        hook: undefined,
        headers: { 'x-xero-signature': signature },
        rawBody: Buffer.from(body),
      });
    const sign = (k: string) => createHmac('sha256', k).update(body).digest('base64');
    expect(await send(sign(key))).toMatchObject({ kind: 'handled', reply: { status: 200 } });
    expect(await send(sign('another-key'))).toMatchObject({ kind: 'rejected', reply: { status: 401 } });
  });

  it('load no vendor SDK, where the whole registry loads them', async () => {
    const [light, whole] = await Promise.all([
      sdkModulesAfter('@vahub/registry/receivers'),
      sdkModulesAfter('@vahub/registry'),
    ]);
    expect(light).toBe(0);
    expect(whole).toBeGreaterThan(0);
  });
});
