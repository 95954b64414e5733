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
});
