import type { WebhookReceiver } from '@vahub/core';
import type { Response } from 'express';

/**
 * What the handlers learn about one request, for its log line and metric: one object of one shape
 * per request, made by `observe` before any route runs. (Express's `res.locals` is a null-prototype
 * object, a dictionary to V8: each of the five fields added to it per request cost a runtime call.)
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
  /** The receiver the webhook route found for the provider. */
  receiver: WebhookReceiver | undefined = undefined;
}

/** The request's note; one is made if `observe` did not (a handler used on its own, in a test). */
export function noteOf(res: Response): RequestNote {
  // On `res.locals` (one dictionary entry), not on `res` itself: a new property on Node's
  // ServerResponse turned each one into a dictionary too (~2 KB more per request in the profile).
  const locals = res.locals as { note?: RequestNote };
  let note = locals.note;
  if (note === undefined) {
    note = new RequestNote();
    locals.note = note;
  }
  return note;
}
