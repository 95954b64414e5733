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
