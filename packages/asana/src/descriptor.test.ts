import {
  ConfigError,
  type ConnectorDeps,
  type LimitRequest,
  MemoryStateStore,
  parseConfig,
  type RateLimiter,
  signHmacSha256,
} from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsanaConnection, asanaConnector } from './descriptor.js';
import { FakeAsana } from './testing/fake-asana.js';
import { connectorContext } from './testing/scenario.js';

const connectors = [asanaConnector] as const;

const client = (id: string, asana: string) => `
  - id: ${id}
    name: ${id} Ltd
    timezone: Australia/Sydney
    billing: { currency: AUD, hourlyRate: "55.00" }${asana ? `\n    asana: ${asana}` : ''}`;

const configText = (a: string, b: string) => `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
clients:${client('a', a)}${client('b', b)}
`;

function issuesOf(text: string) {
  try {
    parseConfig(text, { connectors, env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected the config to be refused');
}

describe('the asana section of the config', () => {
  it('is optional per client; project gids become strings; estimates have defaults', () => {
    const config = parseConfig(configText('{ projects: [111, "222"] }', ''), { connectors, env: {} });
    expect(config.clients[0]?.asana).toEqual({
      projects: ['111', '222'],
      defaultEstimateMinutes: 60,
      estimateField: 'Estimated time',
      priority: {
        field: 'Priority',
        options: { High: 'urgent+important', Medium: 'important', Low: 'none' },
        urgentTags: ['urgent'],
        importantTags: ['important'],
      },
    });
    expect(config.clients[1]?.asana).toBeUndefined();
    expect(config.endpoints.asana).toEqual({
      api: 'https://app.asana.com/api/1.0',
      authorize: 'https://app.asana.com/-/oauth_authorize',
      token: 'https://app.asana.com/-/oauth_token',
    });
  });

  it('names the path and the fix of every mistake', () => {
    const paths = (a: string, b = '{ projects: ["9"] }') =>
      issuesOf(configText(a, b)).map((i) => [i.path, i.message]);
    expect(paths('{ projects: ["1"], priority: { options: { High: critical }, field: "" } }')).toEqual([
      ['clients[0].asana.priority.field', 'give the name or gid of a single-select custom field'],
      [
        'clients[0].asana.priority.options.High',
        'expected one of "urgent+important", "urgent", "important", "none", got "critical"',
      ],
    ]);
    expect(paths('{ projects: [] }')).toEqual([
      ['clients[0].asana.projects', 'list at least one Asana project gid'],
    ]);
    expect(paths('{ projects: ["1"], defaultEstimateMinutes: 2 }')).toEqual([
      ['clients[0].asana.defaultEstimateMinutes', 'must be at least 5, got 2'],
    ]);
    expect(paths('{ projects: ["1"], estimate: 5 }')[0]?.[0]).toBe('clients[0].asana');
    expect(paths('{ projects: ["abc"] }')[0]?.[0]).toBe('clients[0].asana.projects[0]');
    expect(paths('{ projects: ["111"] }', '{ projects: ["5", "111"] }')).toEqual([
      [
        'clients[1].asana.projects[1]',
        'Asana project 111 is already mapped to clients[0] (a): map it to one client only',
      ],
    ]);
  });

  it('reads the token from ASANA_TOKEN and the endpoints from VAHUB_ENDPOINT_ASANA_*', async () => {
    const fake = new FakeAsana();
    await fake.start();
    try {
      fake.addUser({ name: 'Vera VA', token: 'pat-from-the-fake-123' });
      expect(Object.keys(fake.endpoints()).sort()).toEqual(
        Object.keys(asanaConnector.config.endpoints).sort(),
      );
      const config = parseConfig(configText('{ projects: ["1"] }', ''), { connectors, env: fake.env() });
      expect(config.auth.asana?.token).toBe('pat-from-the-fake-123');
      expect(config.endpoints.asana).toEqual(fake.endpoints());
      expect(config.endpoints.asana.api).toBe(fake.apiUrl);
    } finally {
      await fake.stop();
    }
  });
});

describe('create', () => {
  let fake: FakeAsana;
  let token: string;
  let koala: string;
  let thames: string;

  beforeEach(async () => {
    fake = new FakeAsana();
    await fake.start();
    token = `pat-${Math.random().toString(36).slice(2)}`;
    fake.addUser({ name: 'Vera VA', token });
    koala = fake.addProject({ name: 'Koala' }).gid;
    thames = fake.addProject({ name: 'Thames' }).gid;
  });
  afterEach(async () => {
    await fake.stop();
  });

  function build(input: { token?: string | undefined; deps?: Partial<ConnectorDeps> } = {}) {
    const config = parseConfig(configText(`{ projects: ["${koala}"] }`, `{ projects: ["${thames}"] }`), {
      connectors,
      env: fake.env(),
    });
    const clients = config.clients.flatMap(({ asana, ...neutral }) =>
      asana ? [{ client: neutral, section: asana }] : [],
    );
    return asanaConnector.create(
      connectorContext({
        clients,
        apiUrl: config.endpoints.asana.api,
        token: 'token' in input ? input.token : config.auth.asana?.token,
        deps: input.deps ?? {},
      }),
    );
  }

  it('builds the tasks port and the receiver without calling Asana, and they work by client id', async () => {
    const built = build();
    expect(built).toBeInstanceOf(AsanaConnection);
    expect(built.webhooks?.hooked).toBe(true);
    expect(fake.server.requests).toEqual([]);
    const t = fake.createTask({
      name: 'Report',
      projects: [koala],
      assignee: fake.state.users.keys().next().value ?? null,
    });
    fake.createTask({ name: 'Other', projects: [thames] });
    expect((await built.ports.tasks.listOpenTasks('a')).map((x) => [x.name, x.clientId, x.status])).toEqual([
      ['Report', 'a', 'open'],
    ]);
    expect(await built.ports.tasks.getTask(t.gid)).toMatchObject({ id: t.gid, clientId: 'a' });
  });

  it('no token: building works, the first call fails naming ASANA_TOKEN, nothing is sent', async () => {
    const built = build({ token: undefined });
    const err = await built.ports.tasks.listOpenTasks('a').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ReconnectRequiredError', provider: 'asana', retryable: false });
    expect((err as Error).message).toContain('ASANA_TOKEN');
    expect(fake.server.requests).toEqual([]);
  });

  it('waits out an Asana 429 for its Retry-After with deps.sleep, then succeeds', async () => {
    const waits: number[] = [];
    const built = build({ deps: { sleep: async (ms) => void waits.push(ms) } });
    fake.createTask({ name: 'Report', projects: [koala] });
    fake.server.faults.next({ status: 429, retryAfterSeconds: 3, match: (r) => r.path.endsWith('/tasks') });
    expect(await built.ports.tasks.listOpenTasks('a')).toHaveLength(1);
    expect(waits).toEqual([3000]);
    expect(fake.server.requestsTo('GET', `/api/1.0/projects/${koala}/tasks`).map((r) => r.status)).toEqual([
      429, 200,
    ]);
  });

  it('counts requests with deps.limiter when one is given, by a key that is not the token', async () => {
    const seen: LimitRequest[] = [];
    const limiter: RateLimiter = {
      acquire: async (request) => {
        seen.push(request);
        return () => undefined;
      },
    };
    const built = build({ deps: { limiter } });
    await built.ports.tasks.listOpenTasks('a');
    expect(seen.map((r) => [r.provider, r.operation]).sort()).toEqual([
      ['asana', 'getMe'],
      ['asana', 'listProjectTasks'],
    ]);
    expect(new Set(seen.map((r) => r.key)).size).toBe(1);
    expect(seen[0]?.key).toMatch(/^token:[0-9a-f]{16}$/);
    expect(seen[0]?.key).not.toContain(token);
  });

  it('receives webhooks into one outcome per case, its secrets in deps.state', async () => {
    const state = new MemoryStateStore();
    const built = build({ deps: { state } });
    if (!(built instanceof AsanaConnection)) throw new Error('expected an AsanaConnection');
    const receive = (hook: string | undefined, headers: Record<string, string>, body = '') =>
      built.webhooks.receive({ hook, headers, rawBody: Buffer.from(body) });
    const secret = 'd'.repeat(64);

    expect(await receive('k1', { 'x-hook-secret': secret })).toMatchObject({
      kind: 'rejected',
      reply: { status: 403 },
    });
    await built.handshakes.openPending({
      hookKey: 'k1',
      projectId: koala,
      target: 't/k1',
      expiresAt: Date.now() + 30_000,
    });
    expect(await receive('k1', { 'x-hook-secret': secret })).toMatchObject({
      kind: 'handled',
      reply: { status: 200, headers: { 'X-Hook-Secret': secret } },
    });
    expect(await receive('k1', {}, '{"events":[]}')).toMatchObject({
      kind: 'rejected',
      reply: { status: 503 },
    });
    await built.handshakes.saveSecret({
      hookKey: 'k1',
      webhookId: '77',
      projectId: koala,
      target: 't/k1',
      secret,
      createdAt: '',
    });
    await built.handshakes.closePending('k1');
    expect(await state.keys('asana:webhooks:')).toEqual(['asana:webhooks:hook:k1']);

    const body = JSON.stringify({
      events: [{ action: 'changed', resource: { gid: '5', resource_type: 'task' } }],
    });
    const signed = (b: string) => ({ 'x-hook-signature': signHmacSha256(secret, b, 'hex') });
    expect(await receive('k1', signed(body), body)).toMatchObject({
      kind: 'accepted',
      reply: { status: 200 },
      events: [{ subject: 'task', action: 'changed', resourceId: '5', scope: koala }],
    });
    expect(await receive('k1', signed('{"events":[]}'), '{"events":[]}')).toMatchObject({ kind: 'handled' });
    expect(await receive('k1', { 'x-hook-signature': 'ab'.repeat(32) }, body)).toMatchObject({
      reply: { status: 401 },
    });
    expect(await receive('k1', signed('{"events":'), '{"events":')).toMatchObject({ reply: { status: 400 } });
    expect(await receive('k2', signed(body), body)).toMatchObject({ reply: { status: 410 } });
    expect(await receive(undefined, signed(body), body)).toMatchObject({ reply: { status: 404 } });
    expect(await receive('k1', { 'x-hook-secret': 'e'.repeat(64) })).toMatchObject({
      reply: { status: 403 },
    });
  });
});
