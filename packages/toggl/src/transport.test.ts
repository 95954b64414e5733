import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { buildToggl, clientYaml, parseTogglConfig } from './test-support/build.js';
import { type RawVendor, rawVendor } from './test-support/raw-vendor.js';
import { FakeToggl, seedScenario } from './testing/index.js';

const noWait = { sleep: async () => undefined };
const vendors: RawVendor[] = [];
const fakes: FakeToggl[] = [];
afterEach(async () => {
  for (const v of vendors.splice(0)) await v.stop();
  for (const f of fakes.splice(0)) await f.stop();
});

async function vendor(handler: Parameters<typeof rawVendor>[0]): Promise<RawVendor> {
  const v = await rawVendor(handler);
  vendors.push(v);
  return v;
}

/** The three Toggl APIs on one base URL, the way the fake lays them out. */
const endpointsAt = (url: string) => ({
  api: `${url}/api/v9`,
  reports: `${url}/reports/api/v3`,
  webhooks: `${url}/webhooks/api/v1`,
});

/** One read of each Toggl API. */
const readOf = {
  api: (c: TogglClient) => c.me(),
  reports: (c: TogglClient) =>
    c.report({ workspaceId: '42', startDate: '2026-11-01', endDate: '2026-11-30' }),
  webhooks: (c: TogglClient) => c.subscriptions.list('42'),
} as const;

describe('a redirect to another host', () => {
  it.each(Object.keys(readOf) as (keyof typeof readOf)[])(
    'from the %s API is refused: the other host receives nothing, no credential leaves',
    async (api) => {
      const fake = new FakeToggl();
      fakes.push(fake);
      await fake.start();
      seedScenario(fake);
      const other = await vendor((_req, res) => res.end('{}'));
      fake.server.faults.next({
        status: 307,
        headers: { location: `${other.url}/collect` },
        match: (req) => req.path.startsWith(new URL(fake.endpoints()[api]).pathname),
      });
      const client = new TogglClient({ apiToken: fake.apiToken, endpoints: fake.endpoints(), retry: noWait });
      const err = await readOf[api](client).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'ConnectorError', code: 'unexpected_response', retryable: false });
      expect((err as Error).message).toContain('redirected to another host');
      expect(other.requests).toEqual([]);
      // The refused hop was the only request: it went to Toggl's own origin, with the credential.
      expect(fake.requests.map((r) => [r.status, r.headers.authorization?.startsWith('Basic ')])).toEqual([
        [307, true],
      ]);
    },
  );
});

const silent = () => undefined;
const trickle = (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[{"id":');
  // …and never the rest.
};

describe('an answer that never comes, or stalls after its headers', () => {
  it.each([
    ['api', 'never answers', silent],
    ['reports', 'never answers', silent],
    ['webhooks', 'never answers', silent],
    ['api', 'trickles', trickle],
    ['reports', 'trickles', trickle],
    ['webhooks', 'trickles', trickle],
  ] as const)(
    'the %s API that %s: a retryable timeout, retried, every socket closed',
    async (api, _how, handler) => {
      const stuck = await vendor(handler);
      const client = new TogglClient({
        apiToken: 'a-token-for-timeouts',
        endpoints: endpointsAt(stuck.url),
        // Both attempts must reach the server in this same process before their bound, loaded or not.
        timeoutMs: 1_000,
        retry: { attempts: 2, ...noWait },
      });
      const err = await readOf[api](client).catch((e: unknown) => e);
      expect(err).toMatchObject({
        name: 'ConnectorError',
        code: 'timeout',
        retryable: true,
        provider: 'toggl',
      });
      expect(stuck.requests).toHaveLength(2);
      expect(await stuck.requestSocketsClosed()).toBe(2);
    },
  );
});

const answers = {
  'invalid JSON': '[{"id": 1, "name": ',
  'a shapeless 200': '{"something":"else"}',
};

describe('an unreadable answer is an error, never "nothing"', () => {
  const reads: [string, (c: TogglClient) => Promise<unknown>][] = [
    ['me', (c) => c.me()],
    ['workspaces', (c) => c.workspaces()],
    ['clients', (c) => c.clients('42')],
    ['projects', (c) => c.projects('42')],
    ['tasks', (c) => c.tasks('42', '7')],
    ['timeEntries', (c) => c.timeEntries({ start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' })],
    ['timeEntriesSince', (c) => c.timeEntriesSince(Date.parse('2026-11-01T00:00:00Z'))],
    ['report', readOf.reports],
    ['subscriptions.list', readOf.webhooks],
    ['bulkTag', (c) => c.bulkTag({ workspaceId: '42', entryIds: ['1'], tag: 'invoiced', op: 'add' })],
  ];

  for (const [what, body] of Object.entries(answers)) {
    it.each(reads)(`${what} from %s`, async (_name, read) => {
      const garbage = await vendor((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
      const client = new TogglClient({
        apiToken: 'a-token-for-garbage',
        endpoints: endpointsAt(garbage.url),
        retry: { attempts: 1 },
      });
      await expect(read(client)).rejects.toMatchObject({ code: 'unexpected_response', retryable: true });
    });
  }

  it.each(Object.entries(answers))('%s from the tag lookup a report needs', async (_what, body) => {
    const v = await vendor((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.includes('/search/')) {
        const row = {
          project_id: null,
          tag_ids: [3],
          time_entries: [{ id: 5, seconds: 60, start: '2026-11-02T09:00:00Z', stop: '2026-11-02T09:01:00Z' }],
        };
        res.end(JSON.stringify([row]));
      } else res.end(body);
    });
    const client = new TogglClient({
      apiToken: 'a-token-for-tags',
      endpoints: endpointsAt(v.url),
      retry: { attempts: 1 },
    });
    await expect(readOf.reports(client)).rejects.toMatchObject({
      code: 'unexpected_response',
      operation: 'listTags',
    });
  });

  it.each(Object.entries(answers))('%s reaches the time port as an error too', async (_what, body) => {
    const garbage = await vendor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const env = { TOGGL_API_TOKEN: 'a-token-for-ports' };
    const config = parseTogglConfig(clientYaml('koala', '{ workspaceId: 42, clientId: 7 }', 'task'), {
      ...env,
      VAHUB_ENDPOINT_TOGGL_API: endpointsAt(garbage.url).api,
      VAHUB_ENDPOINT_TOGGL_REPORTS: endpointsAt(garbage.url).reports,
    });
    const { time } = buildToggl(config, { sleep: async () => undefined }).ports;
    const month = { clientId: 'koala', start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' };
    await expect(time.listTimeEntries(month)).rejects.toMatchObject({ code: 'unexpected_response' });
    await expect(time.names('koala')).rejects.toMatchObject({ code: 'unexpected_response' });
    await expect(time.tagEntries('koala', ['1'], 'invoiced')).rejects.toMatchObject({
      code: 'unexpected_response',
    });
  });
});
