/** Where a command writes: the process's streams, or anything with `write` (tests collect the text). */
export interface Io {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}
