import type { ServerResponse } from 'node:http';
import type { Logger } from '@vahub/core';
import type { RequestNote } from './request-note.js';

/** A JSON answer, on Node's response as it is (no Express methods on the webhook routes). */
export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(text);
}

/**
 * Refuse a request with `{ error }`, its outcome on the note; an unread body is left to Node to
 * drain. @returns undefined, so a check can refuse and return in one statement.
 */
export function refuseUnread(
  res: ServerResponse,
  note: RequestNote,
  status: number,
  outcome: string,
  error: string,
): undefined {
  note.outcome = outcome;
  if (!res.headersSent) replyJson(res, status, { error });
  return undefined;
}

/**
 * A request that failed while being read (a bad path encoding, a body over the limit, an encoding
 * that will not inflate, a broken stream) or answered: the request's fault, so a 4xx, never a 5xx.
 * An error that names no 4xx status is logged, as a bug to look at.
 */
export function refuseFailure(res: ServerResponse, note: RequestNote, err: unknown, logger: Logger): void {
  const status = Number((err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode);
  if (status >= 400 && status < 500) {
    const tooLarge = (err as { type?: unknown }).type === 'entity.too.large';
    const error = status === 413 ? 'body too large' : 'bad request';
    refuseUnread(res, note, status, tooLarge ? 'too-large' : 'bad-request', error);
    return;
  }
  logger.error({ err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'request failed');
  refuseUnread(res, note, 400, 'bad-request', 'bad request');
}
