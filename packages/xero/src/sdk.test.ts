import { createRequire } from 'node:module';
import type { AxiosStatic } from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { pipelineAdapter } from './accounting-api.js';
import { type BareServer, bareServer } from './test-support/bare-server.js';

/** The axios xero-node itself loads (resolved from the SDK, as Node does for its `require`). */
const sdkAxios = createRequire(createRequire(import.meta.url).resolve('xero-node'))('axios') as AxiosStatic;

let server: BareServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('the adapter xero-node sends through', () => {
  it('answers with the SDK’s own axios classes, not a second copy of axios', async () => {
    server = await bareServer((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const adapter = pipelineAdapter({ fetch: (url, init) => fetch(url, init) });
    const ok = await adapter({
      url: `${server.url}/found`,
      method: 'get',
      headers: new sdkAxios.AxiosHeaders(),
    });
    expect(ok.data).toBe('{"ok":true}');
    expect(ok.headers).toBeInstanceOf(sdkAxios.AxiosHeaders);
    const error = await adapter({
      url: `${server.url}/missing`,
      method: 'get',
      headers: new sdkAxios.AxiosHeaders(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdkAxios.AxiosError);
    expect(error).toMatchObject({ code: sdkAxios.AxiosError.ERR_BAD_REQUEST, response: { status: 404 } });
  });
});
