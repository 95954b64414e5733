import { ConfigError } from '@vahub/core';
import { describe, expect, it } from 'vitest';
import { configuredQuotas } from './build.js';
import { parseVahubConfig as parseConfig } from './config.js';

const client = (id: string, extra = '') => `
  - id: ${id}
    name: ${id} Ltd
    timezone: Australia/Sydney
    asana: { projects: ["${id === 'a' ? '111' : '222'}"] }
    toggl: { workspaceId: 1, clientId: ${id === 'a' ? 10 : 20} }
    billing: { currency: AUD, hourlyRate: "55.00" }
    xero: { tenantId: c2cc9b6e-9458-4c7d-93cc-f02b81b0594f, contactId: 717f2bfc-c6d4-41fd-b238-3f2f0c0cf777, accountCode: "200" }${extra}`;

const valid = `
va:
  timezone: Europe/Budapest
  workingHours: { mon-fri: "09:00-17:00" }
clients:${client('a')}${client('b')}
`;

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfig(text, { env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected the config to be refused');
}

describe('parseConfig', () => {
  it('accepts a minimal config and fills in defaults', () => {
    const config = parseConfig(valid, { env: {} });
    expect(config.calendar).toMatchObject({
      id: 'primary',
      bufferMinutes: 10,
      minBlockMinutes: 30,
      maxBlockMinutes: 120,
    });
    expect(config.clients[0]?.billing).toMatchObject({
      cycle: 'monthly',
      invoicedTag: 'invoiced',
      grouping: 'project',
    });
    expect(config.va.workingHours.mon).toEqual([{ startMinute: 540, endMinute: 1020 }]);
    expect(config.va.workingHours.sun).toEqual([]);
  });

  it('schedules weekly reports on the VA’s clock (Friday 16:00 unless told) and posts where a client says', () => {
    const config = parseConfig(valid, { env: {} });
    expect(config.reports.weekly).toEqual({ enabled: true, day: 'fri', at: '16:00', lookaheadDays: 14 });
    const posted = parseConfig(
      `${valid.replace('asana: { projects: ["111"] }', 'asana: { projects: ["111"], weeklyReport: { post: true, project: 333 } }')}reports: { weekly: { day: mon, at: "08:30" } }\n`,
      { env: {} },
    );
    expect(posted.reports.weekly).toMatchObject({ day: 'mon', at: '08:30' });
    expect(posted.clients[0]?.asana?.weeklyReport).toEqual({ post: true, project: '333' });
    expect(posted.clients[1]?.asana?.weeklyReport).toBeUndefined();
    const issues = issuesOf(`${valid}reports: { weekly: { day: friday, at: "4pm" } }\n`);
    expect(issues.map((i) => i.path).sort()).toEqual(['reports.weekly.at', 'reports.weekly.day']);
    expect(issues.find((i) => i.path === 'reports.weekly.at')?.message).toContain(
      'expected a time of day like "16:00", got "4pm"',
    );
  });

  it('interpolates secret references from the environment', () => {
    const config = parseConfig(`${valid}auth:\n  asana: { token: "\${ASANA_TOKEN}" }\n`, {
      env: { ASANA_TOKEN: 'pat-123456' },
    });
    expect(config.auth.asana?.token).toBe('pat-123456');
  });

  it('reads secrets from the conventional variables when the file has no auth entry', () => {
    const env = { ASANA_TOKEN: 'pat-123456', XERO_CLIENT_ID: 'xid', XERO_CLIENT_SECRET: 'xsecret-1' };
    const config = parseConfig(valid, { env });
    expect(config.auth.asana?.token).toBe('pat-123456');
    expect(config.auth.xero).toEqual({ clientId: 'xid', clientSecret: 'xsecret-1' });
    expect(config.auth.toggl).toBeUndefined();
    const explicit = parseConfig(`${valid}auth:\n  asana: { token: "\${MY_PAT}" }\n`, {
      env: { ...env, MY_PAT: 'mine-123' },
    });
    expect(explicit.auth.asana?.token).toBe('mine-123');
  });

  // Each case: a change to the valid config, the path the error must name, and words of the fix.
  const bad: [string, string, string, RegExp][] = [
    [
      'unknown IANA zone',
      valid.replace('Europe/Budapest', 'Europe/Budapesht'),
      'va.timezone',
      /unknown IANA time zone.*Australia\/Sydney/,
    ],
    [
      'client zone',
      valid.replace('Australia/Sydney', 'AEST'),
      'clients[0].timezone',
      /unknown IANA time zone/,
    ],
    [
      'currency not ISO 4217',
      valid.replace('currency: AUD', 'currency: dollars'),
      'clients[0].billing.currency',
      /ISO 4217.*"dollars"/,
    ],
    [
      'negative rate',
      valid.replace('hourlyRate: "55.00"', 'hourlyRate: "-5"'),
      'clients[0].billing.hourlyRate',
      /non-negative amount/,
    ],
    [
      'float rate',
      valid.replace('hourlyRate: "55.00"', 'hourlyRate: 55.5'),
      'clients[0].billing.hourlyRate',
      /in quotes/,
    ],
    [
      'five decimals',
      valid.replace('hourlyRate: "55.00"', 'hourlyRate: "55.00001"'),
      'clients[0].billing.hourlyRate',
      /at most 4 decimals/,
    ],
    [
      'duplicate client id',
      valid.replace('- id: b', '- id: a'),
      'clients[1].id',
      /used twice.*clients\[0\].*own id/,
    ],
    [
      'Toggl project mapped to two clients',
      valid.replace('clientId: 10 }', 'projectIds: [77] }').replace('clientId: 20 }', 'projectIds: [77] }'),
      'clients[1].toggl.projectIds[0]',
      /Toggl project 77 is already mapped to clients\[0\].*one client only/,
    ],
    [
      'Asana project in two clients',
      valid.replace('"222"', '"111"'),
      'clients[1].asana.projects[0]',
      /Asana project 111 is already mapped/,
    ],
    [
      'hours end before start',
      valid.replace('09:00-17:00', '17:00-09:00'),
      'va.workingHours.mon-fri',
      /end before they start/,
    ],
    [
      'malformed hours',
      valid.replace('09:00-17:00', '9am-5pm'),
      'va.workingHours.mon-fri',
      /like "08:30-17:00"/,
    ],
    ['bad weekday', valid.replace('mon-fri', 'monday'), 'va.workingHours.monday', /not a weekday or span/],
    [
      'secret written literally',
      `${valid}auth:\n  asana: { token: "0/abc123secret" }\n`,
      'auth.asana.token',
      /\$\{ASANA_TOKEN\}/,
    ],
    [
      'missing env var',
      `${valid}auth:\n  toggl: { apiToken: "\${TOGGL_API_TOKEN}" }\n`,
      'auth.toggl.apiToken',
      /TOGGL_API_TOKEN is not set/,
    ],
    [
      'bad endpoint URL',
      `${valid}endpoints:\n  xero: { token: "identity.xero" }\n`,
      'endpoints.xero.token',
      /absolute URL/,
    ],
    [
      'unknown key',
      valid.replace('timezone: Europe/Budapest', 'timezone: Europe/Budapest\n  timzone: UTC'),
      'va',
      /unknown key "timzone".*spelling/,
    ],
    [
      'an Asana id that is not digits',
      valid.replace('projects: ["111"]', 'projects: ["12x"]'),
      'clients[0].asana.projects[0]',
      /^expected an Asana id \(digits only.*got "12x"$/,
    ],
    [
      'an empty account code',
      valid.replace('accountCode: "200"', 'accountCode: ""'),
      'clients[0].xero.accountCode',
      /^may not be empty: give a value$/,
    ],
    [
      'bad Xero id',
      valid.replace('contactId: 717f2bfc', 'contactId: x717f2bfc'),
      'clients[0].xero.contactId',
      /UUID/,
    ],
    [
      'missing toggl mapping',
      valid.replace('clientId: 10 }', '}'),
      'clients[0].toggl',
      /toggl.clientId or toggl.projectIds/,
    ],
    [
      'bad rounding mode',
      valid.replace(
        'hourlyRate: "55.00" }',
        'hourlyRate: "55.00", rounding: { minutes: 15, mode: sideways } }',
      ),
      'clients[0].billing.rounding.mode',
      /one of "up", "down", "nearest"/,
    ],
    [
      'min above max block',
      `${valid}calendar: { minBlockMinutes: 90, maxBlockMinutes: 60 }\n`,
      'calendar.maxBlockMinutes',
      /smaller than minBlockMinutes/,
    ],
    ['missing required', valid.replace('    name: a Ltd\n', ''), 'clients[0].name', /is required/],
    [
      'no clients',
      'va: { timezone: UTC, workingHours: { mon: "09:00-17:00" } }\nclients: []\n',
      'clients',
      /at least one client/,
    ],
    ['invalid YAML', 'va: [unclosed', '', /not valid YAML at line/],
  ];

  it.each(bad)('refuses %s, naming the path and the fix', (_name, text, path, fix) => {
    const issues = issuesOf(text);
    const issue = issues.find((i) => i.path === path);
    expect(issue, `issues were ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue?.message).toMatch(fix);
  });

  it('refuses hostile YAML (a self-referring alias, an alias bomb) with a ConfigError, not a crash', () => {
    expect(
      issuesOf(`${valid}calendar: &c { x: *c }\n`)
        .map((i) => i.message)
        .join(),
    ).toMatch(/alias refers to itself/);
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ]) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expect(issuesOf(bomb.join('\n'))[0]?.message).toMatch(/cannot read the YAML/);
  });

  it('keeps to the quotas of the VA’s plans: Asana free and Toggl Starter unless told', () => {
    const minute = 60_000;
    const hour = 3_600_000;
    expect(configuredQuotas(parseConfig(valid, { env: {} }))).toEqual({
      asana: [{ limit: 150, windowMs: minute }],
      toggl: [{ limit: 240, windowMs: hour }],
    });
    const paid = parseConfig(`${valid}asana: { plan: paid }\ntoggl: { plan: premium }\n`, { env: {} });
    expect(configuredQuotas(paid)).toEqual({
      asana: [{ limit: 1_500, windowMs: minute }],
      toggl: [{ limit: 600, windowMs: hour }],
    });
    const custom = parseConfig(
      `${valid}asana: { plan: paid, requestsPerMinute: 900 }\ntoggl: { requestsPerHour: 2000 }\n`,
      {
        env: {},
      },
    );
    expect(configuredQuotas(custom)).toEqual({
      asana: [{ limit: 900, windowMs: minute }],
      toggl: [{ limit: 2_000, windowMs: hour }],
    });
    const issues = issuesOf(`${valid}asana: { plan: business }\ntoggl: { plan: pro, requestsPerHour: 0 }\n`);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['asana.plan', 'expected one of "free", "paid", got "business"'],
      ['toggl.plan', 'expected one of "free", "starter", "premium", got "pro"'],
      ['toggl.requestsPerHour', 'must be at least 1, got 0'],
    ]);
  });

  it('says what was given when a value has the wrong type or range', () => {
    const issues = issuesOf(`${valid}calendar: { bufferMinutes: 500 }\nwebhooks: { port: "80" }\n`);
    expect(issues.find((i) => i.path === 'calendar.bufferMinutes')?.message).toBe(
      'must be at most 240, got 500',
    );
    expect(issues.find((i) => i.path === 'webhooks.port')?.message).toBe('expected number, got "80"');
  });

  it('refuses retainer hours with more than 4 decimals', () => {
    const text = valid.replace(
      'hourlyRate: "55.00" }',
      'hourlyRate: "55.00", retainer: { hours: 12.34567, amount: "100" } }',
    );
    expect(issuesOf(text).find((i) => i.path === 'clients[0].billing.retainer.hours')?.message).toMatch(
      /at most 4 decimals/,
    );
  });

  it('reports every problem at once, not just the first', () => {
    const text = valid
      .replace('Europe/Budapest', 'Mars/Olympus')
      .replace('currency: AUD', 'currency: ZZZ')
      .replace('17:00', '08:00');
    expect(
      issuesOf(text)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['clients[0].billing.currency', 'va.timezone', 'va.workingHours.mon-fri']);
  });

  it('never echoes a literal secret in the error', () => {
    try {
      parseConfig(
        `${valid}auth:\n  xero: { clientId: "\${XERO_ID}", clientSecret: "hunter2-very-secret" }\n`,
        { env: { XERO_ID: 'id' } },
      );
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).toContain('auth.xero.clientSecret');
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});
