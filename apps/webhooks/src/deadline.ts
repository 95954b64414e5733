/** Thrown when work did not finish within its deadline; the work itself may still finish later. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** `work`, or a `DeadlineError` after `ms`: a vendor waits a few seconds for an answer, no longer. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
