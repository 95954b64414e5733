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

const ignore = (): void => undefined;

function expire(deadline: DeliveryDeadline): void {
  deadline.pass(new DeadlineError(`the ${deadline.ms} ms deadline passed`));
}

/** A class, not closures: one deadline per delivery, and nothing made per delivery that need not be. */
class DeliveryDeadline implements Deadline {
  pass!: (reason: Error) => void;
  private readonly late: Promise<never>;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly ms: number) {
    this.late = new Promise<never>((_, reject) => {
      this.pass = reject;
    });
    // Unobserved until a step races it: a deadline that passes between steps is not an unhandled rejection.
    this.late.catch(ignore);
    this.timer = setTimeout(expire, ms, this);
  }

  async within<T>(work: Promise<T>, what: string): Promise<T> {
    try {
      return await Promise.race([work, this.late]);
    } catch (err) {
      if (err instanceof DeadlineError) throw new DeadlineError(`${what} took longer than ${this.ms} ms`);
      throw err;
    }
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** A deadline `ms` from now: a vendor waits a few seconds for an answer, no longer. */
export function deadline(ms: number): Deadline {
  return new DeliveryDeadline(ms);
}
