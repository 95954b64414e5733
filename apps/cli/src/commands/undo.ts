import { formatInstant, formatLocal, parseInstant } from '@vahub/core';
import { CliError, EXIT } from '../frame/exit.js';
import { commandContext, stringOption, writeJson } from '../frame/options.js';
import { openRuntime } from '../frame/runtime.js';
import { printable } from '../frame/style.js';
import type { Io } from '../io.js';

export const UNDO_USAGE = `Usage: vahub undo blocks [--client ID] [--dry-run] [--config FILE] [--json]

Removes the focus blocks vahub put in the VA's calendar from now on (one client's with --client),
and nothing else: meetings, events the VA made and blocks already started or past stay. Stop the
service first (\`vahub start\` would plan them again at its next replan).

  --client ID   only this client's blocks
  --dry-run     list what would be removed, remove nothing
`;

/** How far ahead to look: beyond any horizon vahub plans (90 days at most), with room to spare. */
const AHEAD_MS = 400 * 24 * 3600 * 1000;

/** `vahub undo blocks`. */
export async function undoCommand(
  argv: readonly string[],
  io: Io,
  deps: { env?: NodeJS.ProcessEnv; now?: () => number } = {},
): Promise<number> {
  const ctx = commandContext(argv, io, {
    usage: UNDO_USAGE,
    options: { client: 'value', 'dry-run': 'flag' },
    env: deps.env,
  });
  if (!ctx) return EXIT.ok;
  const [what, ...extra] = ctx.positionals;
  if (what !== 'blocks' || extra.length > 0)
    throw new CliError(`undo takes "blocks" (vahub undo blocks [--client ID])\n\n${UNDO_USAGE}`, EXIT.usage);
  const dryRun = ctx.options['dry-run'] === true;
  const runtime = await openRuntime(ctx.configFile, ctx.env);
  try {
    const only = stringOption(ctx, 'client');
    const ids = runtime.config.clients.map((c) => c.id);
    if (only !== undefined && !ids.includes(only))
      throw new CliError(
        `no client "${only}" in ${ctx.configFile}: use one of ${ids.join(', ')}`,
        EXIT.usage,
      );
    const now = (deps.now ?? Date.now)();
    const { calendar } = runtime.built.ports;
    // listBlocks returns vahub's own blocks only (they carry its marker); the rest of the calendar is never read here.
    const blocks = (
      await calendar.listBlocks({ start: formatInstant(now), end: formatInstant(now + AHEAD_MS) })
    ).filter((b) => parseInstant(b.start) > now && (only === undefined || b.clientId === only));
    blocks.sort((a, b) => parseInstant(a.start) - parseInstant(b.start));
    const va = runtime.config.va.timezone;
    if (!dryRun) {
      let done = 0;
      for (const b of blocks) {
        await calendar.deleteBlock(b.id);
        done++;
        if (done % 10 === 0) ctx.progress(`  removed ${done} of ${blocks.length}…`);
      }
    }
    const rows = blocks.map((b) => ({
      id: b.id,
      client: b.clientId,
      title: b.title,
      start: b.start,
      end: b.end,
    }));
    if (ctx.json) writeJson(io, { dryRun, removed: dryRun ? 0 : rows.length, blocks: rows });
    else {
      const verb = dryRun ? 'Would remove' : 'Removed';
      io.out.write(
        `${verb} ${rows.length} future block${rows.length === 1 ? '' : 's'}${only ? ` of ${only}` : ''}.\n`,
      );
      for (const b of blocks)
        io.out.write(
          `  ${formatLocal(parseInstant(b.start), va)}  ${b.clientId.padEnd(14)} ${printable(b.title)}\n`,
        );
    }
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
