import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookReceiver, WebhookRequest } from '@vahub/core';
import express from 'express';
import { type DeliveryDeps, type DeliveryResult, takeDelivery } from './deliveries.js';
import { refuseFailure, refuseUnread, replyJson } from './reply.js';
import type { RequestNote } from './request-note.js';

/** The path of the webhook routes; the provider, and the hook for providers with one hook per URL, follow it. */
const PREFIX = '/webhooks/';

/** Where a request's path points among the webhook routes. */
type WebhookPath = { provider: string; hook: string | undefined } | 'bad-encoding';

/**
 * `/webhooks/:provider` or `/webhooks/:provider/:hook` (one trailing slash allowed, the prefix in
 * any case, the query and a fragment ignored, a target in absolute form read for its path: as
 * Express routes match), or `undefined` for any other path.
 */
export function webhookPath(url: string): WebhookPath | undefined {
  const path = pathOf(url);
  if (path === undefined) return undefined;
  if (path.length <= PREFIX.length || path.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return undefined;
  const rest = path.endsWith('/') ? path.slice(PREFIX.length, -1) : path.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  const provider = slash === -1 ? rest : rest.slice(0, slash);
  const hook = slash === -1 ? undefined : rest.slice(slash + 1);
  if (provider === '' || hook === '' || hook?.includes('/')) return undefined;
  try {
    return {
      provider: decodeURIComponent(provider),
      hook: hook === undefined ? undefined : decodeURIComponent(hook),
    };
  } catch {
    return 'bad-encoding';
  }
}

/** The request target's path, without query or fragment; an absolute-form target (`http://host/…`) gives its own. */
function pathOf(url: string): string | undefined {
  if (!url.startsWith('/')) {
    try {
      return new URL(url).pathname;
    } catch {
      return undefined;
    }
  }
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/**
 * Header values the vendor sent, by lower-cased name, repeated ones joined as HTTP joins them. Node
 * already joins repeated headers into one string, all but `set-cookie` (an array): the request's own
 * record is handed on (read-only to receivers) unless that one is there.
 */
function flatHeaders(req: IncomingMessage): Readonly<Record<string, string>> {
  const headers = req.headers;
  const cookies = headers['set-cookie'];
  if (cookies === undefined) return headers as Record<string, string>;
  return { ...(headers as Record<string, string>), 'set-cookie': cookies.join(', ') };
}

/**
 * The webhook routes, `POST /webhooks/:provider/:hook?`, as a plain request listener: nearly all the
 * receiver's traffic, so it is served on Node's HTTP directly, without a router's layers (Express
 * serves the few other routes). The receiver is looked up before the body is read (an unknown
 * provider costs nothing), then the body is read raw, up to the limit, and handed to the delivery.
 * @returns false when the path is not a webhook route, for the caller to serve otherwise.
 */
export function webhookRoutes(options: {
  receivers: Readonly<Record<string, WebhookReceiver>>;
  deps: DeliveryDeps;
  maxBodyBytes: number;
}): (req: IncomingMessage, res: ServerResponse, note: RequestNote) => boolean {
  // Whatever the content type: the signature is over the bytes as sent, and the receiver decides.
  // Express's raw parser, used on its own: it checks the length, inflates encodings and refuses
  // what it cannot read with a 4xx error.
  const raw = express.raw({ type: () => true, limit: options.maxBodyBytes });

  return (req, res, note) => {
    const path = webhookPath(req.url ?? '/');
    if (path === undefined) return false;
    const found = admit(req, res, note, path, options.receivers);
    if (found === undefined) return true;
    const { provider, hook, receiver } = found;
    raw(req, res, (err?: unknown) => {
      if (err !== undefined) return refuseFailure(res, note, err, options.deps.logger);
      const body = (req as IncomingMessage & { body?: unknown }).body;
      const request: WebhookRequest = {
        hook,
        headers: flatHeaders(req),
        rawBody: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      };
      takeDelivery({ provider, receiver, request, deps: options.deps })
        .then((result) => answer(res, note, result))
        // takeDelivery answers every failure itself; this is the last resort against a bug in it or
        // in the answer (a receiver's reply the response cannot write), never an unhandled rejection.
        .catch((failure: unknown) => refuseFailure(res, note, failure, options.deps.logger));
    });
    return true;
  };
}

/**
 * The route's checks before the body is read: a provider vahub receives, POST, a hook where the
 * provider has one per URL and none where it has not. Refuses (4xx) what fails and returns undefined.
 */
function admit(
  req: IncomingMessage,
  res: ServerResponse,
  note: RequestNote,
  path: WebhookPath,
  receivers: Readonly<Record<string, WebhookReceiver>>,
): { provider: string; hook: string | undefined; receiver: WebhookReceiver } | undefined {
  note.route = '/webhooks/:provider';
  if (path === 'bad-encoding') return refuseUnread(res, note, 400, 'bad-request', 'bad request');
  const { provider, hook } = path;
  if (hook !== undefined) note.route = '/webhooks/:provider/:hook';
  const receiver = Object.hasOwn(receivers, provider) ? receivers[provider] : undefined;
  if (!receiver)
    return refuseUnread(res, note, 404, 'unknown-provider', 'no webhooks are received for this provider');
  note.provider = provider;
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return refuseUnread(res, note, 405, 'wrong-method', 'webhooks are delivered with POST');
  }
  if (receiver.hooked && hook === undefined) {
    const where = `this provider's webhooks are received at /webhooks/${provider}/<hook id>`;
    return refuseUnread(res, note, 404, 'no-hook', where);
  }
  if (!receiver.hooked && hook !== undefined) {
    const where = `this provider's webhooks are received at /webhooks/${provider}`;
    return refuseUnread(res, note, 404, 'unknown-hook', where);
  }
  return { provider, hook, receiver };
}

function answer(res: ServerResponse, note: RequestNote, result: DeliveryResult): void {
  note.outcome = result.outcome;
  // Only what is said, in this order: the log line's fields.
  const fields: Record<string, unknown> = {};
  if (result.reason) fields.reason = result.reason;
  if (result.deliveryId) fields.deliveryId = result.deliveryId;
  if (result.enqueued !== undefined) fields.enqueued = result.enqueued;
  note.fields = fields;
  if (res.headersSent) return;
  res.statusCode = result.reply.status;
  const headers = result.reply.headers;
  if (headers !== undefined) {
    for (const name in headers) {
      // A header the receiver got wrong must not turn the answer into an exception.
      try {
        res.setHeader(name, headers[name] as string);
      } catch {
        fields.droppedHeader = name;
      }
    }
  }
  const reply = result.reply;
  // An empty body is written with the head in one write (Xero answers every delivery so).
  if (reply.body === '' || (reply.body === undefined && reply.status < 400)) res.end();
  else if (reply.body !== undefined) {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(reply.body);
  } else replyJson(res, reply.status, { error: result.reason ?? 'refused' });
}
