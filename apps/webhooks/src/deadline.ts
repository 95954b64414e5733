/** Thrown when work did not finish within its deadline; the work itself may still finish later. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** One deadline over several steps: one timer, however many steps race it. */
export interface Deadline {
  /** `work`, or a `DeadlineError` naming `what` once the deadline has passed. */
  within<T>(work: Promise<T>, what: string): Promise<T>;
  /** Stop the timer (the steps are done). */
  clear(): void;
}

/** A deadline `ms` from now: a vendor waits a few seconds for an answer, no longer. */
export function deadline(ms: number): Deadline {
  let passed!: (reason: Error) => void;
  const late = new Promise<never>((_, reject) => {
    passed = reject;
  });
  // Unobserved until a step races it: a deadline that passes between steps is not an unhandled rejection.
  late.catch(() => undefined);
  const timer = setTimeout(() => passed(new DeadlineError(`the ${ms} ms deadline passed`)), ms);
  return {
    within: async (work, what) => {
      try {
        return await Promise.race([work, late]);
      } catch (err) {
        if (err instanceof DeadlineError) throw new DeadlineError(`${what} took longer than ${ms} ms`);
        throw err;
      }
    },
    clear: () => clearTimeout(timer),
  };
}
