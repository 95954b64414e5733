import { parseArgs } from './args.js';
import { checkCommand } from './commands/check.js';
import { reportCommand } from './commands/report.js';
import { runDemo } from './demo/run-demo.js';
import type { Io } from './io.js';

const USAGE = `Usage: vahub <command> [options]

Commands:
  check [--config FILE]   validate a config file (default vahub.config.yaml) and summarise it
  demo                    run both automations end to end against local fakes of the four apps
  report weekly --client ID [--week 2026-W49] [--format html|md|text|pdf] [--out FILE] [--post]
                          a client's weekly report (vahub report --help)

Options:
  -h, --help              show this help
`;

/** Run one `vahub` command; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) return usageError(io, 'no command given');
  if (command === '--help' || command === '-h' || command === 'help') return help(io);
  if (command === 'check') {
    const args = parseArgs(rest, { config: 'value', help: 'flag' });
    if (!args.ok) return usageError(io, args.error);
    if (args.options.help) return help(io);
    if (args.positionals.length > 1 || (args.positionals.length === 1 && args.options.config)) {
      return usageError(io, 'give one config file, either as --config FILE or as FILE');
    }
    const file = args.options.config ?? args.positionals[0] ?? 'vahub.config.yaml';
    return checkCommand(String(file), io);
  }
  if (command === 'demo') {
    const args = parseArgs(rest, { help: 'flag' });
    if (!args.ok) return usageError(io, args.error);
    if (args.options.help) return help(io);
    if (args.positionals.length > 0)
      return usageError(io, `demo takes no arguments, got "${args.positionals[0]}"`);
    await runDemo({ out: io.out });
    return 0;
  }
  if (command === 'report') return reportCommand(rest, io);
  return usageError(io, `unknown command "${command}"`);
}

function help(io: Io): number {
  io.out.write(USAGE);
  return 0;
}

function usageError(io: Io, message: string): number {
  io.err.write(`vahub: ${message}\n\n${USAGE}`);
  return 2;
}
