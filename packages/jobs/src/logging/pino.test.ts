import { describe, expect, it } from 'vitest';
import { createServiceLogger } from './pino.js';

describe('createServiceLogger', () => {
  it("writes one JSON line per event through core's Logger port, with secrets censored", () => {
    const lines: string[] = [];
    const logger = createServiceLogger({
      name: 'webhooks',
      level: 'debug',
      destination: { write: (l) => void lines.push(l) },
    });
    logger.child({ provider: 'tasks-vendor' }).info(
      {
        route: '/webhooks/:provider',
        token: 'tok-123',
        headers: { authorization: 'Bearer abc' },
        job: { refreshToken: 'r-1' },
      },
      'request',
    );
    logger.debug({ n: 1 }, 'detail');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] as string);
    expect(first).toMatchObject({
      level: 30,
      name: 'webhooks',
      provider: 'tasks-vendor',
      route: '/webhooks/:provider',
      msg: 'request',
      token: '[redacted]',
      headers: { authorization: '[redacted]' },
      job: { refreshToken: '[redacted]' },
    });
    expect(typeof first.time).toBe('string');
    expect(lines.join('')).not.toMatch(/tok-123|Bearer abc|r-1/);
  });

  it('censors a secret field at any depth, in any case, in bindings too, and leaves other lines as they are', () => {
    const lines: string[] = [];
    const logger = createServiceLogger({ name: 'worker', destination: { write: (l) => void lines.push(l) } });
    logger.child({ vendor: { password: 'pw-9' } }).warn(
      {
        call: { request: { headers: { Authorization: 'Bearer deep-1' } } },
        err: { cause: { response: { config: { secret: 's-2' } } } },
        note: 'the text "token": is no key',
        body: { access_token: 'at-3', refresh_token: 'rt-4', client_secret: 'cs-5', api_token: 'tt-6' },
      },
      'a vendor call failed',
    );
    logger.info({ route: '/webhooks/:provider', status: 200, tokens: 3 }, 'request');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toMatch(/pw-9|deep-1|s-2|at-3|rt-4|cs-5|tt-6/);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      vendor: { password: '[redacted]' },
      call: { request: { headers: { Authorization: '[redacted]' } } },
      err: { cause: { response: { config: { secret: '[redacted]' } } } },
      note: 'the text "token": is no key',
      msg: 'a vendor call failed',
    });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ status: 200, tokens: 3, msg: 'request' });
    expect(lines.every((l) => l.endsWith('}\n'))).toBe(true);
  });
});
