import type { IdTable } from '@vahub/core';
import { connectors } from '@vahub/registry';
import { CliError, EXIT } from '../frame/exit.js';
import { type CommandContext, commandContext, writeJson } from '../frame/options.js';
import { openRuntime, type Runtime, storedSecretKey } from '../frame/runtime.js';
import { printable } from '../frame/style.js';
import type { Io } from '../io.js';

const APPS = connectors.map((c) => c.id);

export const IDS_USAGE = `Usage: vahub ids ${APPS.join('|')} [--config FILE] [--json] [--debug]

Lists what the config needs from a connected app, as the app has it, each list with the config key
it goes under: Asana workspaces and projects (gid, name); Toggl workspaces, clients and projects
(id, name, client); Xero organisations (tenantId, name) and, per organisation, contacts (ContactID),
revenue accounts (Code), tax rates for revenue (TaxType, rate) and currencies. Only what is active.
Connect the app first (vahub connect APP); the config needs no client sections for this, so a config
from \`vahub init\` with a bare client will do. Google Calendar lists nothing: its one setting,
calendar.id, is "primary" (the VA's main calendar) or the id in Google Calendar → Settings →
Integrate calendar.

  --config FILE   default vahub.config.yaml
  --json          {ok, app, tables: [{title, configKey, within?, columns, rows}]}
  --debug         print stack traces of unexpected errors

Exit 0 listed; 2 usage; 3 the app did not answer; 4 not connected (vahub connect APP).
`;

export interface IdsDeps {
  env?: NodeJS.ProcessEnv;
}

/** `vahub ids <app>`. */
export async function idsCommand(argv: readonly string[], io: Io, deps: IdsDeps = {}): Promise<number> {
  const ctx = commandContext(argv, io, { usage: IDS_USAGE, env: deps.env });
  if (!ctx) return EXIT.ok;
  const [id, ...extra] = ctx.positionals;
  if (id === undefined) throw new CliError(`say which app: vahub ids ${APPS.join('|')}`, EXIT.usage);
  if (extra.length > 0) throw new CliError(`unexpected "${extra[0]}"`, EXIT.usage);
  const connector = connectors.find((c) => c.id === id);
  if (!connector) throw new CliError(`unknown app "${id}": use one of ${APPS.join(', ')}`, EXIT.usage);
  const runtime = await openRuntime(ctx.configFile, ctx.env);
  try {
    const instance = runtime.instance(connector.id);
    if (!instance.listIds) {
      throw new CliError(
        `${connector.title} has nothing to list here (see vahub ids --help for its setting)`,
        EXIT.usage,
      );
    }
    if (!(await connected(runtime, connector))) {
      throw new CliError(
        `${connector.title} is not connected: run \`vahub connect ${connector.id}\` first`,
        EXIT.reconnect,
      );
    }
    ctx.progress(`Reading ${connector.title}…`);
    const tables = await instance.listIds();
    if (ctx.json) writeJson(io, { ok: true, app: connector.id, tables });
    else printTables(ctx, tables);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

/** A token app with its token (environment or store), an OAuth app with a stored grant. */
async function connected(runtime: Runtime, connector: (typeof connectors)[number]): Promise<boolean> {
  if (connector.auth.kind === 'token') {
    const auth = runtime.config.auth as Record<string, Record<string, string | undefined> | undefined>;
    return (
      Boolean(auth[connector.id]?.[connector.auth.secret]) ||
      (await runtime.tokens.get(storedSecretKey(connector.id))) !== null
    );
  }
  return (await runtime.tokens.get(connector.auth.tokenKey)) !== null;
}

function printTables(ctx: CommandContext, tables: readonly IdTable[]): void {
  for (const [i, t] of tables.entries()) {
    // Names and ids are the apps' text: printed only once made safe for a terminal.
    const where = t.within ? ` in ${printable(t.within)}` : '';
    ctx.io.out.write(`${i > 0 ? '\n' : ''}${t.title}${where} ${ctx.style.dim(`→ ${t.configKey}`)}\n`);
    if (t.rows.length === 0) {
      ctx.io.out.write('  (none)\n');
      continue;
    }
    const rows = t.rows.map((r) => t.columns.map((c) => printable(r[c] ?? '')));
    const widths = t.columns.map((c, j) => Math.max(c.length, ...rows.map((r) => (r[j] ?? '').length)));
    const line = (cells: string[]) =>
      `  ${cells
        .map((cell, j) => (j === cells.length - 1 ? cell : cell.padEnd(widths[j] ?? 0)))
        .join('  ')
        .trimEnd()}\n`;
    ctx.io.out.write(ctx.style.dim(line([...t.columns])));
    for (const r of rows) ctx.io.out.write(line(r));
  }
}
