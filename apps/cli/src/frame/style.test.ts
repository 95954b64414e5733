import { describe, expect, it } from 'vitest';
import { styleFor, useColour } from './style.js';

describe('colour', () => {
  it('only on a terminal, and never with NO_COLOR or TERM=dumb', () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(useColour(undefined, {})).toBe(false);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    // An empty NO_COLOR does not count (no-color.org).
    expect(useColour({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(styleFor(true).bad('x')).toBe('\x1b[31mx\x1b[0m');
    expect(styleFor(false).bad('x')).toBe('x');
  });
});
