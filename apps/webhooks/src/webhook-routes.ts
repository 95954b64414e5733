import type { WebhookReceiver, WebhookRequest } from '@vahub/core';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { type DeliveryDeps, type DeliveryResult, takeDelivery } from './deliveries.js';

const ROUTE = '/webhooks/:provider{/:hook}';

type Handler = RequestHandler<{ provider: string; hook?: string }>;

/** Header values the vendor sent, by lower-cased name, repeated ones joined as HTTP joins them. */
function flatHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function refuse(res: Response, status: number, outcome: string, error: string): void {
  res.locals.outcome = outcome;
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
    res.locals.route = req.params.hook === undefined ? '/webhooks/:provider' : '/webhooks/:provider/:hook';
    const provider = req.params.provider ?? '';
    const receiver = Object.hasOwn(options.receivers, provider) ? options.receivers[provider] : undefined;
    if (!receiver) return refuse(res, 404, 'unknown-provider', 'no webhooks are received for this provider');
    res.locals.provider = provider;
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
    res.locals.receiver = receiver;
    next();
  };

  const take: Handler = async (req, res) => {
    const provider = res.locals.provider as string;
    const request: WebhookRequest = {
      hook: req.params.hook,
      headers: flatHeaders(req),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
    const result = await takeDelivery({
      provider,
      receiver: res.locals.receiver as WebhookReceiver,
      request,
      deps: options.deps,
    });
    answer(res, result);
  };
  app.all(ROUTE, check, raw, take);
}

function answer(res: Response, result: DeliveryResult): void {
  res.locals.outcome = result.outcome;
  res.locals.fields = {
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.deliveryId ? { deliveryId: result.deliveryId } : {}),
    ...(result.enqueued !== undefined ? { enqueued: result.enqueued } : {}),
  };
  res.status(result.reply.status);
  for (const [name, value] of Object.entries(result.reply.headers ?? {})) {
    // A header the receiver got wrong must not turn the answer into an exception.
    try {
      res.set(name, value);
    } catch {
      res.locals.fields = { ...(res.locals.fields as object), droppedHeader: name };
    }
  }
  // An empty body is written with the head in one write, as `end()` does (Xero answers every delivery so).
  if (result.reply.body === '') res.end();
  else if (result.reply.body !== undefined) res.send(result.reply.body);
  else if (result.reply.status >= 400) res.json({ error: result.reason ?? 'refused' });
  else res.end();
}
