import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookOutcome, WebhookReceiver } from '@vahub/core';
import { within } from '@vahub/testkit';

/**
 * A connector's `WebhookReceiver` behind a node:http server, as vahub's webhook app runs it: the raw
 * body and the last path segment in, the outcome's reply out. Every outcome is kept for assertions.
 */
export class Receiver extends EventEmitter {
  readonly outcomes: WebhookOutcome[] = [];
  base = '';
  /** Runs before a handshake is answered (to stage a concurrent impostor). */
  beforeHandshake: (() => Promise<void>) | null = null;
  private server: Server | null = null;

  constructor(private readonly receiver: WebhookReceiver) {
    super();
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const hook = decodeURIComponent((req.url ?? '').split('/').pop() ?? '') || undefined;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      if (headers['x-hook-secret'] && this.beforeHandshake) {
        const stage = this.beforeHandshake;
        this.beforeHandshake = null;
        await stage();
      }
      const outcome = await this.receiver.receive({
        hook: this.receiver.hooked ? hook : undefined,
        headers,
        rawBody: Buffer.concat(chunks),
      });
      res.writeHead(outcome.reply.status, outcome.reply.headers ?? {});
      res.end(outcome.reply.body ?? '');
      this.outcomes.push(outcome);
      this.emit('outcome', outcome);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/asana`;
  }

  /** The first outcome (already seen or still to come) matching `predicate`, within 5 s. */
  next(predicate: (o: WebhookOutcome) => boolean, what: string): Promise<WebhookOutcome> {
    const seen = this.outcomes.find(predicate);
    if (seen) return Promise.resolve(seen);
    const waiting = new Promise<WebhookOutcome>((resolve) => {
      const listener = (o: WebhookOutcome) => {
        if (!predicate(o)) return;
        this.off('outcome', listener);
        resolve(o);
      };
      this.on('outcome', listener);
    });
    return within(waiting, 5000, what);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
