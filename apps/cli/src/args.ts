/** What an option takes: a value (`--config FILE`, `--config=FILE`) or nothing (`--help`). */
export type OptionKind = 'value' | 'flag';

export type ParsedArgs =
  | { ok: true; positionals: string[]; options: Record<string, string | true> }
  | { ok: false; error: string };

const SHORT: Record<string, string> = { '-h': '--help' };

/**
 * A deliberately small parser: long options only (plus `-h`), `--` ends the options, and an
 * unknown option or a missing value is an error that names it, never silently ignored.
 */
export function parseArgs(
  argv: readonly string[],
  allowed: Readonly<Record<string, OptionKind>>,
): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = SHORT[argv[i] ?? ''] ?? (argv[i] as string);
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg !== '-') return { ok: false, error: `unknown option ${arg}` };
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const kind = allowed[name];
    if (kind === undefined) return { ok: false, error: `unknown option --${name}` };
    if (kind === 'flag') {
      if (eq >= 0) return { ok: false, error: `--${name} takes no value` };
      options[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      return { ok: false, error: `--${name} needs a value` };
    }
    options[name] = value;
  }
  return { ok: true, positionals, options };
}
