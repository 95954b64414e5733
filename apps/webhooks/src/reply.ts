import type { ServerResponse } from 'node:http';
import type { RequestNote } from './request-note.js';

/** A JSON answer, on Node's response as it is (no Express methods on the webhook routes). */
export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
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
