import { parseArgs } from './args.js';
import { checkCommand } from './commands/check.js';
import { connectCommand, disconnectCommand } from './commands/connect.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { idsCommand } from './commands/ids.js';
import { initCommand } from './commands/init.js';
import { invoiceCommand } from './commands/invoice.js';
import { planCommand } from './commands/plan.js';
import { reportCommand } from './commands/report.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { syncCommand } from './commands/sync.js';
import { undoCommand } from './commands/undo.js';
import { describeFailure } from './frame/exit.js';
import type { Io } from './io.js';

const USAGE = `Usage: vahub <command> [options]

Commands:
  check [--config FILE]   validate a config file (default vahub.config.yaml) and summarise it
  demo                    both automations, then the service on Redis through webhooks, against
                          local fakes of the four apps (Redis: REDIS_URL, 127.0.0.1:6379 or a
                          private redis-server)
  init [CLIENT ...]       write a config from flags, or by asking (vahub init --help)
  connect APP             connect asana, toggl, google or xero (token check, or OAuth consent)
  disconnect APP          revoke and forget a connection
  ids asana|toggl|xero [--json]
                          list the ids the config takes (projects, workspaces, clients, organisations,
                          contacts, account codes, tax types, currencies) from the connected app
  doctor                  check config, secrets, Redis, credentials, ids, clock; each failure with its fix
  plan [--client ID] [--dry-run]
                          the scheduler's plan with its reasons; without --dry-run it applies it
  invoice preview|draft --client ID [--period 2026-11]
                          the engine's draft with its explanation; draft creates it (idempotent)
  start [--only webhooks|worker] [--port N] [--dashboard-port N]
                          run the service (webhook receiver, worker) and the dashboard until SIGTERM
  status                  per client blocks, late tasks, unbilled time, drafts; queues; connections
  sync [--client ID]      sweep the apps now, and wait for the worker to finish
  undo blocks [--client ID] [--dry-run]
                          remove vahub's future blocks from the calendar, nothing else
  report weekly --client ID [--week 2026-W49] [--format html|md|text|pdf] [--out FILE] [--post]
                          a client's weekly report (vahub report --help)
  check --online          check, then look every id up in the apps (doctor's checks)

Options (\`vahub COMMAND --help\` for a command's own; --json and --debug for init, connect,
disconnect, ids, doctor, plan, invoice, start, status, sync and undo):
  -h, --help              show this help
  --config FILE           the config (default vahub.config.yaml)
  --json                  machine-readable output on stdout
  --debug                 stack traces for unexpected errors (secrets stay redacted)

Exit codes: 0 ok; 1 problems found or the command failed; 2 usage or config error;
3 a dependency is unreachable (Redis, an app); 4 a connection needs redoing (vahub connect APP).
Colour only on a terminal, never with NO_COLOR.
`;

/** Commands built on the common frame: they throw, and \`runCli\` turns the error into a line and an exit code. */
const FRAMED: Record<string, (argv: readonly string[], io: Io) => Promise<number>> = {
  connect: connectCommand,
  init: initCommand,
  disconnect: disconnectCommand,
  doctor: doctorCommand,
  ids: idsCommand,
  invoice: invoiceCommand,
  plan: planCommand,
  start: startCommand,
  status: statusCommand,
  sync: syncCommand,
  undo: undoCommand,
};

/** Run one `vahub` command; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) return usageError(io, 'no command given');
  if (command === '--help' || command === '-h' || command === 'help') return help(io);
  if (command === 'check') {
    const args = parseArgs(rest, { config: 'value', help: 'flag', online: 'flag' });
    if (!args.ok) return usageError(io, args.error);
    if (args.options.help) return help(io);
    if (args.positionals.length > 1 || (args.positionals.length === 1 && args.options.config)) {
      return usageError(io, 'give one config file, either as --config FILE or as FILE');
    }
    const file = String(args.options.config ?? args.positionals[0] ?? 'vahub.config.yaml');
    const offline = await checkCommand(file, io);
    if (offline !== 0 || !args.options.online) return offline;
    // --online: look every id up in the apps, with doctor's checks (secrets, Redis, credentials, ids).
    return runFramed('check', doctorCommand, ['--config', file], io);
  }
  if (command === 'demo') {
    const args = parseArgs(rest, { help: 'flag' });
    if (!args.ok) return usageError(io, args.error);
    if (args.options.help) return help(io);
    if (args.positionals.length > 0)
      return usageError(io, `demo takes no arguments, got "${args.positionals[0]}"`);
    return demoCommand(io);
  }
  if (command === 'report') return reportCommand(rest, io);
  const framed = FRAMED[command];
  if (framed) return runFramed(command, framed, rest, io);
  return usageError(io, `unknown command "${command}"`);
}

async function runFramed(
  command: string,
  framed: (argv: readonly string[], io: Io) => Promise<number>,
  rest: readonly string[],
  io: Io,
): Promise<number> {
  try {
    return await framed(rest, io);
  } catch (err) {
    const { code, message } = describeFailure(err);
    io.err.write(`vahub ${command}: ${message}\n`);
    if (rest.includes('--debug') && err instanceof Error && err.stack) io.err.write(`${err.stack}\n`);
    return code;
  }
}

function help(io: Io): number {
  io.out.write(USAGE);
  return 0;
}

function usageError(io: Io, message: string): number {
  io.err.write(`vahub: ${message}\n\n${USAGE}`);
  return 2;
}
