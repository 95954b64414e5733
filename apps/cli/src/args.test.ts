import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

const allowed = { config: 'value', help: 'flag' } as const;

describe('parseArgs', () => {
  it('reads values given as --name VALUE or --name=VALUE, flags, -h and positionals', () => {
    expect(parseArgs(['--config', 'a.yaml', 'x'], allowed)).toEqual({
      ok: true,
      positionals: ['x'],
      options: { config: 'a.yaml' },
    });
    expect(parseArgs(['--config=b.yaml', '-h'], allowed)).toEqual({
      ok: true,
      positionals: [],
      options: { config: 'b.yaml', help: true },
    });
    expect(parseArgs(['--', '--config'], allowed)).toEqual({
      ok: true,
      positionals: ['--config'],
      options: {},
    });
  });

  it('names what is wrong instead of guessing', () => {
    expect(parseArgs(['--cofnig', 'a.yaml'], allowed)).toEqual({
      ok: false,
      error: 'unknown option --cofnig',
    });
    expect(parseArgs(['--config'], allowed)).toEqual({ ok: false, error: '--config needs a value' });
    expect(parseArgs(['--config', '--help'], allowed)).toEqual({
      ok: false,
      error: '--config needs a value',
    });
    expect(parseArgs(['--help=yes'], allowed)).toEqual({ ok: false, error: '--help takes no value' });
    expect(parseArgs(['-x'], allowed)).toEqual({ ok: false, error: 'unknown option -x' });
  });
});
