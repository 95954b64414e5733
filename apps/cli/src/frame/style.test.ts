import { describe, expect, it } from 'vitest';
import { printable, printableText, styleFor, useColour } from './style.js';

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

describe('printable', () => {
  it("replaces control characters and bidi overrides in an app's text, keeps the rest", () => {
    expect(printable('Koala Co — newsletter ✓')).toBe('Koala Co — newsletter ✓');
    expect(printable('evil\x1b]0;pwned\x07name')).toBe('evil\ufffd]0;pwned\ufffdname');
    expect(printable('a\u009b31mb')).toBe('a\ufffd31mb');
    expect(printable('line\nbreak\ttab\u007f')).toBe('line\ufffdbreak\ufffdtab\ufffd');
    expect(printable('abc\u202egnp.exe')).toBe('abc\ufffdgnp.exe');
  });
});

describe('printableText', () => {
  it('keeps the line breaks of a text of several lines, and nothing else unprintable', () => {
    expect(printableText('Koala Co\n  Write \x1b[2Jthe newsletter\n')).toBe(
      'Koala Co\n  Write \ufffd[2Jthe newsletter\n',
    );
  });
});
