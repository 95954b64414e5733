import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { ConfigError } from '@vahub/core';
import { parseVahubConfig } from '@vahub/registry';
import { CliError, EXIT } from '../frame/exit.js';
import { type CommandContext, commandContext, stringOption, writeJson } from '../frame/options.js';
import type { Io } from '../io.js';

export const INIT_USAGE = `Usage: vahub init [--config FILE] [--force] [VA options] [CLIENT ...]

Writes a config (default vahub.config.yaml), entirely from flags, or by asking for what is missing
when run on a terminal. The result is validated before it is written; an existing file is kept
unless --force.

VA options:
  --va-name NAME         the VA's name
  --va-timezone ZONE     the VA's IANA zone, e.g. Europe/Budapest
  --hours SPEC           working hours, e.g. "mon-fri=09:00-17:00" or "mon-thu=08:30-12:30, 13:15-17:00;fri=08:30-13:00"
  --calendar ID          the calendar for focus blocks (default primary)

Each CLIENT is one argument of key=value pairs separated by commas:
  id=koala-co,name=Koala Co,timezone=Australia/Sydney,currency=AUD,rate=55.00,
  asana=1207000000000001+1207000000000002,toggl-workspace=4242,toggl-client=9001,
  toggl-projects=190101+190102,xero-tenant=UUID,xero-contact=UUID,account=200,tax=OUTPUT,cycle=monthly

Only id, timezone, currency and rate are needed to start: connect the apps (vahub connect APP), then
\`vahub ids APP\` lists the gids, ids, codes and tax types to fill in.
`;

type Spec = Record<string, string>;

function parseClient(text: string): Spec {
  const spec: Spec = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new CliError(`client "${text}": "${part}" is not key=value`, EXIT.usage);
    spec[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return spec;
}

const q = (value: string) => JSON.stringify(value);
const list = (value: string, as: (v: string) => string) => `[${value.split('+').map(as).join(', ')}]`;
const num = (key: string, value: string) => {
  if (!/^\d+$/.test(value))
    throw new CliError(`client ${key}: expected a number, got ${q(value)}`, EXIT.usage);
  return value;
};

const KNOWN = new Set([
  'id',
  'name',
  'timezone',
  'currency',
  'rate',
  'cycle',
  'asana',
  'toggl-workspace',
  'toggl-client',
  'toggl-projects',
  'xero-tenant',
  'xero-contact',
  'account',
  'tax',
]);

function clientYaml(spec: Spec): string {
  for (const key of Object.keys(spec)) {
    if (!KNOWN.has(key))
      throw new CliError(`client key "${key}" is unknown: use ${[...KNOWN].join(', ')}`, EXIT.usage);
  }
  const lines = [
    `  - id: ${q(spec.id ?? '')}`,
    `    name: ${q(spec.name ?? spec.id ?? '')}`,
    `    timezone: ${q(spec.timezone ?? '')}`,
  ];
  if (spec.asana) lines.push(`    asana: { projects: ${list(spec.asana, q)} }`);
  if (spec['toggl-workspace']) {
    const parts = [`workspaceId: ${num('toggl-workspace', spec['toggl-workspace'])}`];
    if (spec['toggl-client']) parts.push(`clientId: ${num('toggl-client', spec['toggl-client'])}`);
    if (spec['toggl-projects'])
      parts.push(`projectIds: ${list(spec['toggl-projects'], (v) => num('toggl-projects', v))}`);
    lines.push(`    toggl: { ${parts.join(', ')} }`);
  }
  lines.push(
    '    billing:',
    `      currency: ${q(spec.currency ?? '')}`,
    `      hourlyRate: ${q(spec.rate ?? '')}`,
  );
  lines.push(`      cycle: ${q(spec.cycle ?? 'monthly')}`);
  if (spec['xero-tenant'] || spec['xero-contact']) {
    lines.push(
      '    xero:',
      `      tenantId: ${q(spec['xero-tenant'] ?? '')}`,
      `      contactId: ${q(spec['xero-contact'] ?? '')}`,
      `      accountCode: ${q(spec.account ?? '200')}`,
      `      taxType: ${q(spec.tax ?? 'OUTPUT')}`,
    );
  }
  return lines.join('\n');
}

function hoursYaml(spec: string): string {
  return spec
    .split(';')
    .map((day) => {
      const eq = day.indexOf('=');
      if (eq <= 0) throw new CliError(`--hours "${day}": write it like mon-fri=09:00-17:00`, EXIT.usage);
      return `    ${day.slice(0, eq).trim()}: ${q(day.slice(eq + 1).trim())}`;
    })
    .join('\n');
}

async function ask(
  ctx: CommandContext,
  prompts: [string, string, string | undefined][],
): Promise<Record<string, string>> {
  const answers: Record<string, string> = {};
  const missing = prompts.filter(([, , given]) => given === undefined);
  const interactive = (process.stdin as { isTTY?: boolean }).isTTY === true && !ctx.json;
  if (missing.length > 0 && !interactive) {
    throw new CliError(
      `give ${missing.map(([flag]) => `--${flag}`).join(', ')} (or run vahub init on a terminal to be asked)`,
      EXIT.usage,
    );
  }
  const rl = missing.length > 0 ? createInterface({ input: process.stdin, output: process.stderr }) : null;
  try {
    for (const [flag, question, given] of prompts)
      answers[flag] = given ?? (await rl?.question(`${question}: `))?.trim() ?? '';
  } finally {
    rl?.close();
  }
  return answers;
}

/** `vahub init`. */
export async function initCommand(
  argv: readonly string[],
  io: Io,
  deps: { env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const ctx = commandContext(argv, io, {
    usage: INIT_USAGE,
    options: { 'va-name': 'value', 'va-timezone': 'value', hours: 'value', calendar: 'value', force: 'flag' },
    env: deps.env,
  });
  if (!ctx) return EXIT.ok;
  const file = ctx.configFile;
  const exists = await access(file, constants.F_OK).then(
    () => true,
    () => false,
  );
  if (exists && ctx.options.force !== true) {
    throw new CliError(`${file} exists: keep it, or add --force to replace it`, EXIT.usage);
  }
  const answers = await ask(ctx, [
    ['va-name', "The VA's name", stringOption(ctx, 'va-name')],
    ['va-timezone', "The VA's time zone (e.g. Europe/Budapest)", stringOption(ctx, 'va-timezone')],
    ['hours', 'Working hours (e.g. mon-fri=09:00-17:00)', stringOption(ctx, 'hours')],
  ]);
  if (ctx.positionals.length === 0)
    throw new CliError('add at least one client (see vahub init --help)', EXIT.usage);
  const text = [
    '# vahub configuration, written by `vahub init`. Check it with `vahub doctor`.',
    '# Secrets stay out of this file: set them in the environment, or run `vahub connect APP`.',
    'va:',
    `  name: ${q(answers['va-name'] ?? '')}`,
    `  timezone: ${q(answers['va-timezone'] ?? '')}`,
    '  workingHours:',
    hoursYaml(answers.hours ?? ''),
    '',
    'calendar:',
    `  id: ${q(stringOption(ctx, 'calendar') ?? 'primary')}`,
    '',
    'clients:',
    ...ctx.positionals.map((c) => clientYaml(parseClient(c))),
    '',
  ].join('\n');
  try {
    // Validated as written, secrets aside (they come from the environment later).
    parseVahubConfig(text, { env: {}, source: file });
  } catch (err) {
    if (err instanceof ConfigError) {
      const problems = err.issues.filter((i) => !i.path.startsWith('auth.'));
      if (problems.length > 0)
        throw new CliError(
          `${new ConfigError(problems, 'the config').message}\nNothing was written.`,
          EXIT.usage,
        );
    } else throw err;
  }
  await writeFile(file, text, { encoding: 'utf8', flag: ctx.options.force === true ? 'w' : 'wx' });
  if (ctx.json) writeJson(io, { ok: true, file, clients: ctx.positionals.length });
  else
    io.out.write(
      `Wrote ${file} with ${ctx.positionals.length} client${ctx.positionals.length === 1 ? '' : 's'}. Next: vahub connect asana|toggl|google|xero, vahub ids APP for the ids, then vahub doctor.\n`,
    );
  return EXIT.ok;
}
