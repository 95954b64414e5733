import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { within } from '@vahub/testkit';
import { type Receipt, receiveAsanaWebhook } from '../webhooks/receive.js';
import type { HandshakeRegistry } from '../webhooks/registry.js';

/** The receiver as vahub's webhook app would run it: raw body in, `receiveAsanaWebhook`, answer out. */
export class Receiver extends EventEmitter {
  readonly receipts: Receipt[] = [];
  base = '';
  /** Runs before a handshake is answered (to stage a concurrent impostor). */
  beforeHandshake: (() => Promise<void>) | null = null;
  private server: Server | null = null;

  constructor(private readonly registry: HandshakeRegistry) {
    super();
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const hookKey = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
      if (req.headers['x-hook-secret'] && this.beforeHandshake) {
        const stage = this.beforeHandshake;
        this.beforeHandshake = null;
        await stage();
      }
      const receipt = await receiveAsanaWebhook({
        registry: this.registry,
        hookKey,
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
      });
      res.writeHead(receipt.status, receipt.kind === 'handshake' ? receipt.headers : {});
      res.end();
      this.receipts.push(receipt);
      this.emit('receipt', receipt);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/asana`;
  }

  next(predicate: (r: Receipt) => boolean, what: string): Promise<Receipt> {
    const seen = this.receipts.find(predicate);
    if (seen) return Promise.resolve(seen);
    const waiting = new Promise<Receipt>((resolve) => {
      const listener = (r: Receipt) => {
        if (!predicate(r)) return;
        this.off('receipt', listener);
        resolve(r);
      };
      this.on('receipt', listener);
    });
    return within(waiting, 5000, what);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
