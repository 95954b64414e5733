/** Colour only on a terminal, and never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function useColour(
  stream: { isTTY?: boolean } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream?.isTTY === true;
}

export interface Style {
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

const paint = (on: boolean, code: number) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

export function styleFor(on: boolean): Style {
  return { ok: paint(on, 32), bad: paint(on, 31), warn: paint(on, 33), dim: paint(on, 2) };
}

// C0 and C1 control characters (escape sequences start with one), DEL, and the bidirectional
// overrides that can make a line read other than it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text an app holds (a project's or a contact's name), made safe to print on a terminal: a name with
 * an escape sequence could otherwise recolour, move or retitle the VA's terminal. Each such character
 * becomes U+FFFD.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '\ufffd');
}

/** `printable` line by line: a text of several lines (a status page, a preview) keeps its line breaks. */
export function printableText(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
