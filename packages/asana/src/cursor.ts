import { z } from 'zod';

/**
 * A client's place in Asana's event streams, one sync token per project, as the one opaque cursor
 * string core's `TaskSource` hands back. Versioned so a later shape can tell an old cursor apart.
 */
const PREFIX = 'asana1.';

const shape = z.object({ sync: z.record(z.string(), z.string().min(1)) });

export type ProjectTokens = Readonly<Record<string, string>>;

export function encodeCursor(tokens: ProjectTokens): string {
  return PREFIX + Buffer.from(JSON.stringify({ sync: tokens })).toString('base64url');
}

/**
 * The tokens in a cursor; null when it is not one of ours (an old or foreign cursor): the caller then
 * starts every project afresh and asks for a resync, which loses nothing.
 */
export function decodeCursor(cursor: string): ProjectTokens | null {
  if (!cursor.startsWith(PREFIX)) return null;
  try {
    const json: unknown = JSON.parse(Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8'));
    const parsed = shape.safeParse(json);
    return parsed.success ? parsed.data.sync : null;
  } catch {
    return null;
  }
}
