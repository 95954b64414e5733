import type { Response } from 'express';

/**
 * What the handlers learn about one request, for its log line and metric: one object of one shape
 * per request, made by the server's request listener before any route runs and handed to the
 * webhook routes as is; Express's routes find it with `noteOf`.
 */
export class RequestNote {
  /** The route as declared, e.g. `/webhooks/:provider`; never the path as sent. */
  route = 'unmatched';
  /** The provider of a webhook route, once it is known to be one vahub receives. */
  provider = '';
  /** accepted, duplicate, rejected, not-found…; unset: "ok" or "error" from the status. */
  outcome: string | undefined = undefined;
  /** More fields for the log line (a reason, a delivery id), in their order. */
  fields: Record<string, unknown> | undefined = undefined;
}

/** The note of a request Express serves; one is made if the listener did not (a router used on its own). */
export function noteOf(res: Response): RequestNote {
  const locals = res.locals as { note?: RequestNote };
  let note = locals.note;
  if (note === undefined) {
    note = new RequestNote();
    locals.note = note;
  }
  return note;
}
