import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The CommonJS modules under node_modules a fresh Node process has loaded after importing the registry. */
async function vendorModules(): Promise<string[]> {
  const script = `await import('@vahub/registry');
const { createRequire } = await import('node:module');
const cache = createRequire(import.meta.url).cache;
console.log(JSON.stringify(Object.keys(cache).filter((k) => k.includes('/node_modules/')).map((k) => k.slice(k.lastIndexOf('/node_modules/') + 14))));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=vahub-source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: ROOT, timeout: 60_000 },
  );
  return JSON.parse(stdout) as string[];
}

describe('the vendor SDKs a worker loads', () => {
  it('are the parts the connectors call: xero-node’s accounting API and asana’s six APIs, not the rest', async () => {
    const loaded = await vendorModules();
    const xeroApis = loaded.filter((m) => m.startsWith('xero-node/dist/gen/api/'));
    expect(xeroApis).toEqual(['xero-node/dist/gen/api/accountingApi.js']);
    // No other API's models, and not XeroClient (openid-client, jose): vahub calls neither.
    expect(loaded.filter((m) => /^xero-node\/dist\/gen\/model\/(?!accounting\/)/.test(m))).toEqual([]);
    expect(loaded.filter((m) => m.startsWith('openid-client/') || m.startsWith('jose/'))).toEqual([]);
    const asanaApis = loaded.filter((m) => m.startsWith('asana/dist/api/')).sort();
    expect(asanaApis).toEqual(
      ['Events', 'Projects', 'StatusUpdates', 'Tasks', 'Users', 'Webhooks'].map(
        (a) => `asana/dist/api/${a}Api.js`,
      ),
    );
    // The SDKs are loaded, and axios in the build xero-node requires (its CommonJS one).
    expect(loaded).toContain('@googleapis/calendar/build/index.js');
    expect(loaded.filter((m) => m.startsWith('axios/'))).toEqual(['axios/dist/node/axios.cjs']);
  });
});
