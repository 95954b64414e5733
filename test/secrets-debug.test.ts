// Secrets at log level debug: the receiver with the real connectors' receivers, and the
// schedule-tasks flow through the real Asana, Toggl and Google connectors (an expired Google token
// refreshed on the way, a failing call at the end), all logging through the service's pino logger
// at debug. No token, client secret, refresh token, API key, webhook key or encryption key may appear
// in any log line, thrown error or the /metrics text.
import { randomBytes } from 'node:crypto';
import { signHmacSha256 } from '@vahub/core';
import { createRedis, createServiceLogger, RedisTokenStore } from '@vahub/jobs';
import { fakesEnv, testRedisUrl, uniquePrefix } from '@vahub/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleIn } from './support/flows-tests.js';
import { KOALA_PROJECT, startWorld, TRACKED_CONFIG, type World } from './support/flows-world.js';
import { type ReceiverWorld, SECRETS, startReceiverWorld } from './support/receiver-world.js';

const lines: string[] = [];
const logger = createServiceLogger({
  name: 'secrets-test',
  level: 'debug',
  destination: { write: (line: string) => void lines.push(line) },
});
const KEY = randomBytes(32);
const OFFERED_HOOK_SECRET = 'asana-offered-hook-secret-SECRET-77aa66bb';

let receiver: ReceiverWorld;
let world: World;
let redis: ReturnType<typeof createRedis>;
let prefix: string;
beforeAll(async () => {
  receiver = await startReceiverWorld({ logger });
  redis = createRedis(testRedisUrl());
  prefix = uniquePrefix('secrets');
  const tokens = new RedisTokenStore({ redis, prefix: `{${prefix}}`, key: KEY });
  world = await startWorld(TRACKED_CONFIG, { tokens, logger });
});
afterAll(async () => {
  await world.stop();
  await receiver.stop();
  const keys = await redis.keys(`{${prefix}}*`);
  if (keys.length) await redis.unlink(...keys);
  await redis.quit();
});

describe('secrets at log level debug', () => {
  it('never reach a log line, an error or /metrics', async () => {
    const secrets = new Set<string>([...Object.values(SECRETS), OFFERED_HOOK_SECRET]);
    const env = fakesEnv([world.asana, world.google, world.toggl, world.xero]);
    for (const [name, value] of Object.entries(env)) if (/TOKEN|SECRET|KEY/.test(name)) secrets.add(value);
    // Toggl's basic auth carries the token base64-encoded.
    secrets.add(Buffer.from(`${env.TOGGL_API_TOKEN}:api_token`).toString('base64'));
    secrets.add(KEY.toString('base64')).add(KEY.toString('hex'));

    // An expired Google grant: the flow refreshes it first.
    const tokens = new RedisTokenStore({ redis, prefix: `{${prefix}}`, key: KEY });
    const google = await tokens.get('google');
    expect(google?.refreshToken).toBeTruthy();
    await tokens.set('google', { ...google!, expiresAt: Date.now() - 60_000 });
    for (const name of ['google', 'xero']) {
      const grant = await tokens.get(name);
      if (grant?.accessToken) secrets.add(grant.accessToken);
      if (grant?.refreshToken) secrets.add(grant.refreshToken);
    }

    // The receiver: a signed Xero delivery, a forged one, an Asana handshake nobody asked for, a Toggl
    // delivery with a made-up signature, then the metrics.
    const post = (path: string, headers: Record<string, string>, body: string) =>
      fetch(`${receiver.url}${path}`, { method: 'POST', headers, body });
    const xero = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'E' });
    const statuses = [
      (
        await post(
          '/webhooks/xero',
          { 'x-xero-signature': signHmacSha256(SECRETS.XERO_WEBHOOK_KEY, xero, 'base64') },
          xero,
        )
      ).status,
      (await post('/webhooks/xero', { 'x-xero-signature': signHmacSha256('guess', xero, 'base64') }, xero))
        .status,
      (await post('/webhooks/asana/hk-1', { 'x-hook-secret': OFFERED_HOOK_SECRET }, '')).status,
      (
        await post(
          '/webhooks/toggl/hk-2',
          { 'x-webhook-signature-256': 'sha256=00', 'content-type': 'application/json' },
          '{}',
        )
      ).status,
    ];
    expect(statuses[0]).toBe(200);
    expect(statuses.slice(1).every((s) => s >= 400 && s < 500)).toBe(true);
    const metrics = await (await fetch(`${receiver.url}/metrics`)).text();
    expect(metrics).toContain('vahub_http_requests_total');

    // The flow, with tracked time from Toggl.
    world.asana.createTask({
      name: 'Schedule posts',
      projects: [KOALA_PROJECT],
      assignee: world.vaGid,
      dueOn: '2026-12-11',
      customFields: { [world.estimateGid]: 60 },
    });
    const summary = await scheduleIn(world, { time: world.time });
    expect(summary.created).toBeGreaterThanOrEqual(1);
    const refreshed = await tokens.get('google');
    expect(refreshed?.accessToken).not.toBe(google?.accessToken);
    if (refreshed?.accessToken) secrets.add(refreshed.accessToken);
    if (refreshed?.refreshToken) secrets.add(refreshed.refreshToken);

    // A failing call: Asana no longer knows the token.
    world.asana.state.users.clear();
    const error = await world.tasks.listOpenTasks('koala-co').then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    const errorText = [
      String(error),
      (error as Error).stack ?? '',
      JSON.stringify(error, Object.getOwnPropertyNames(error)),
    ].join('\n');

    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((l) => l.includes('"level":20'))).toBe(true);
    const corpus = { log: lines.join('\n'), error: errorText, metrics };
    const leaks = [...secrets].flatMap((secret) =>
      Object.entries(corpus).flatMap(([where, text]) =>
        text.includes(secret) ? [`${where}: ${secret.slice(0, 12)}…`] : [],
      ),
    );
    expect(leaks).toEqual([]);
  });
});
