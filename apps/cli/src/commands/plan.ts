import { formatLocal, parseInstant } from '@vahub/core';
import { countsLine, deadlineText, place } from '@vahub/demo';
import { neutralClient } from '@vahub/registry';
import { scheduleTasks } from '@vahub/worker';
import { CliError, EXIT } from '../frame/exit.js';
import { commandContext, stringOption, writeJson } from '../frame/options.js';
import { openRuntime } from '../frame/runtime.js';
import { printable } from '../frame/style.js';
import type { Io } from '../io.js';
import { readOnlyCalendar } from '../service/snapshot.js';

export const PLAN_USAGE = `Usage: vahub plan [--client ID] [--dry-run] [--now 2026-11-30T07:00:00Z] [options]

What the scheduler does now: every block with its task, its deadline (in the client's zone and
the VA's) and why it is where it is; tasks short of time with the reason. Without --dry-run the
calendar is changed to match (as the service would); with it nothing is written.

  --client ID    show one client's blocks (the plan is made for all clients: they share the VA's time)
  --dry-run      plan only, write nothing to the calendar
  --now INSTANT  plan as of another instant (ISO 8601), to try things out
  --config FILE  default vahub.config.yaml
  --json         print the plan as JSON
`;

/** `vahub plan`. */
export async function planCommand(
  argv: readonly string[],
  io: Io,
  deps: { env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const ctx = commandContext(argv, io, {
    usage: PLAN_USAGE,
    options: { client: 'value', 'dry-run': 'flag', now: 'value' },
    env: deps.env,
  });
  if (!ctx) return EXIT.ok;
  if (ctx.positionals.length > 0)
    throw new CliError(`plan takes no arguments, got "${ctx.positionals[0]}"`, EXIT.usage);
  const nowText = stringOption(ctx, 'now');
  if (nowText !== undefined && Number.isNaN(Date.parse(nowText))) {
    throw new CliError(`--now "${nowText}" is not an ISO 8601 instant like 2026-11-30T07:00:00Z`, EXIT.usage);
  }
  const dryRun = ctx.options['dry-run'] === true;
  const runtime = await openRuntime(ctx.configFile, ctx.env);
  try {
    const clients = runtime.config.clients.map(neutralClient);
    const only = stringOption(ctx, 'client');
    if (only !== undefined && !clients.some((c) => c.id === only)) {
      throw new CliError(
        `no client "${only}" in ${ctx.configFile}: use one of ${clients.map((c) => c.id).join(', ')}`,
        EXIT.usage,
      );
    }
    ctx.progress(
      dryRun ? 'Planning (dry run: the calendar is not changed)…' : 'Planning and updating the calendar…',
    );
    const { ports } = runtime.built;
    const summary = await scheduleTasks({
      config: { va: runtime.config.va, calendar: runtime.config.calendar, clients },
      tasks: ports.tasks,
      calendar: dryRun ? readOnlyCalendar(ports.calendar) : ports.calendar,
      ...(nowText ? { now: new Date(nowText).toISOString() } : {}),
    });
    const va = runtime.config.va.timezone;
    const byId = new Map(clients.map((c) => [c.id, c]));
    const why = new Map(summary.explanations.map((e) => [e.blockId, e]));
    const rows = summary.agenda
      .filter((item) => only === undefined || item.block.clientId === only)
      .map(({ block, task, change }) => ({
        start: block.start,
        end: block.end,
        client: block.clientId,
        task: block.title,
        change,
        deadline: deadlineText(task, byId.get(block.clientId), va),
        why: why.get(block.id)?.why ?? [],
      }));
    const unplaced = summary.unplaced.filter((u) => only === undefined || u.clientId === only);
    if (ctx.json) {
      writeJson(io, {
        dryRun,
        now: summary.now,
        counts: countsLine(summary),
        blocks: rows,
        unplaced,
        problems: summary.problems,
      });
      return EXIT.ok;
    }
    io.out.write(`${dryRun ? 'Would do' : 'Done'}: ${countsLine(summary)} (times in ${place(va)})\n`);
    for (const r of rows) {
      const when = `${formatLocal(parseInstant(r.start), va)}–${formatLocal(parseInstant(r.end), va).slice(-5)}`;
      io.out.write(
        `  ${when}  ${r.client.padEnd(14)} ${printable(r.task)} [${r.change}]\n      ${r.deadline}\n`,
      );
      for (const reason of r.why) io.out.write(`      ${ctx.style.dim(`· ${printable(reason)}`)}\n`);
    }
    for (const u of unplaced)
      io.out.write(`  ${ctx.style.warn('!')} ${u.clientId}: ${printable(u.message)}\n`);
    for (const p of summary.problems) io.out.write(`  ${ctx.style.warn('!')} ${printable(p.message)}\n`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
