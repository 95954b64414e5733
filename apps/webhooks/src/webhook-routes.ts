import type { WebhookReceiver, WebhookRequest } from '@vahub/core';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { type DeliveryDeps, type DeliveryResult, takeDelivery } from './deliveries.js';
import { noteOf } from './request-note.js';

const ROUTE = '/webhooks/:provider{/:hook}';

type Handler = RequestHandler<{ provider: string; hook?: string }>;

/**
 * Header values the vendor sent, by lower-cased name, repeated ones joined as HTTP joins them. Node
 * already joins repeated headers into one string, all but `set-cookie` (an array): the request's own
 * record is handed on (read-only to receivers) unless that one is there.
 */
function flatHeaders(req: Request): Readonly<Record<string, string>> {
  const headers = req.headers;
  const cookies = headers['set-cookie'];
  if (cookies === undefined) return headers as Record<string, string>;
  return { ...(headers as Record<string, string>), 'set-cookie': cookies.join(', ') };
}

function refuse(res: Response, status: number, outcome: string, error: string): void {
  noteOf(res).outcome = outcome;
  res.status(status).json({ error });
}

/**
 * `POST /webhooks/:provider/:hook?`: the receiver is looked up before the body is read (an unknown
 * provider costs nothing), the body is read raw, only on these routes, up to the limit. One route on
 * the app itself, not in a router of its own: its path is matched once per request, then the checks,
 * the body, the delivery.
 */
export function addWebhookRoutes(
  app: Express,
  options: {
    receivers: Readonly<Record<string, WebhookReceiver>>;
    deps: DeliveryDeps;
    maxBodyBytes: number;
  },
): void {
  // Whatever the content type: the signature is over the bytes as sent, and the receiver decides.
  const raw = express.raw({ type: () => true, limit: options.maxBodyBytes });

  const check: Handler = (req, res, next) => {
    const note = noteOf(res);
    note.route = req.params.hook === undefined ? '/webhooks/:provider' : '/webhooks/:provider/:hook';
    const provider = req.params.provider ?? '';
    const receiver = Object.hasOwn(options.receivers, provider) ? options.receivers[provider] : undefined;
    if (!receiver) return refuse(res, 404, 'unknown-provider', 'no webhooks are received for this provider');
    note.provider = provider;
    if (req.method !== 'POST') {
      res.set('allow', 'POST');
      return refuse(res, 405, 'wrong-method', 'webhooks are delivered with POST');
    }
    if (receiver.hooked && req.params.hook === undefined)
      return refuse(
        res,
        404,
        'no-hook',
        `this provider's webhooks are received at /webhooks/${provider}/<hook id>`,
      );
    if (!receiver.hooked && req.params.hook !== undefined)
      return refuse(
        res,
        404,
        'unknown-hook',
        `this provider's webhooks are received at /webhooks/${provider}`,
      );
    note.receiver = receiver;
    next();
  };

  const take: Handler = async (req, res) => {
    const { provider, receiver } = noteOf(res);
    // `check` ran first: a route without a receiver never gets here.
    if (receiver === undefined)
      return refuse(res, 404, 'unknown-provider', 'no webhooks are received for this provider');
    const request: WebhookRequest = {
      hook: req.params.hook,
      headers: flatHeaders(req),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
    const result = await takeDelivery({
      provider,
      receiver,
      request,
      deps: options.deps,
    });
    answer(res, result);
  };
  app.all(ROUTE, check, raw, take);
}

function answer(res: Response, result: DeliveryResult): void {
  const note = noteOf(res);
  note.outcome = result.outcome;
  // Only what is said, in this order: the log line's fields.
  const fields: Record<string, unknown> = {};
  if (result.reason) fields.reason = result.reason;
  if (result.deliveryId) fields.deliveryId = result.deliveryId;
  if (result.enqueued !== undefined) fields.enqueued = result.enqueued;
  note.fields = fields;
  res.status(result.reply.status);
  const headers = result.reply.headers;
  if (headers !== undefined) {
    for (const [name, value] of Object.entries(headers)) {
      // A header the receiver got wrong must not turn the answer into an exception.
      try {
        res.set(name, value);
      } catch {
        fields.droppedHeader = name;
      }
    }
  }
  // An empty body is written with the head in one write, as `end()` does (Xero answers every delivery so).
  if (result.reply.body === '') res.end();
  else if (result.reply.body !== undefined) res.send(result.reply.body);
  else if (result.reply.status >= 400) res.json({ error: result.reason ?? 'refused' });
  else res.end();
}
