import { type OptionKind, parseArgs } from '../args.js';
import type { Io } from '../io.js';
import { CliError, EXIT } from './exit.js';
import { type Style, styleFor, useColour } from './style.js';

/** The options every command takes. */
export const COMMON: Readonly<Record<string, OptionKind>> = {
  config: 'value',
  json: 'flag',
  debug: 'flag',
  help: 'flag',
};

export interface CommandContext {
  io: Io;
  positionals: string[];
  options: Record<string, string | true>;
  configFile: string;
  json: boolean;
  style: Style;
  env: NodeJS.ProcessEnv;
  /** A line of progress on stderr (never with --json on stdout's way). */
  progress(text: string): void;
}

/**
 * Parse a command's arguments with the common options; `--help` prints `usage` and ends (null). A
 * usage error throws `CliError` with exit 2 and the usage text.
 */
export function commandContext(
  argv: readonly string[],
  io: Io,
  spec: { usage: string; options?: Readonly<Record<string, OptionKind>>; env?: NodeJS.ProcessEnv },
): CommandContext | null {
  const parsed = parseArgs(argv, { ...COMMON, ...spec.options });
  if (!parsed.ok) throw new CliError(`${parsed.error}\n\n${spec.usage}`, EXIT.usage);
  if (parsed.options.help) {
    io.out.write(spec.usage);
    return null;
  }
  const env = spec.env ?? process.env;
  const tty = (io.out as { isTTY?: boolean }).isTTY;
  const colour = useColour({ isTTY: tty }, env);
  return {
    io,
    positionals: parsed.positionals,
    options: parsed.options,
    configFile: typeof parsed.options.config === 'string' ? parsed.options.config : 'vahub.config.yaml',
    json: parsed.options.json === true,
    style: styleFor(colour),
    env,
    progress: (text) => {
      io.err.write(`${text}\n`);
    },
  };
}

/** A string option, or undefined. */
export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function writeJson(io: Io, value: unknown): void {
  io.out.write(`${JSON.stringify(value, null, 2)}\n`);
}
