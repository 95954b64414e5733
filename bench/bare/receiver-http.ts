import { createServer } from 'node:http';
import express from 'express';
import { announce, checkAndAdd } from './receiver-work.js';

/**
 * The receiver bench's second bare baseline, for information: the same work as the Express route
 * (receiver-work.ts), served on Node's HTTP without Express's dispatch, as vahub serves its webhook
 * routes, the body read by Express's raw parser used on its own as vahub reads it. The target
 * is against the Express route; this one shows what vahub's own work costs beside the least a route
 * can do.
 */
const raw = express.raw({ type: () => true, limit: '1mb' });
const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/hook') {
    res.statusCode = 404;
    res.end();
    return;
  }
  raw(req as never, res as never, async () => {
    res.statusCode = await checkAndAdd(
      (req as unknown as { body: Buffer }).body,
      req.headers['x-xero-signature'],
    );
    res.end();
  });
}).listen(0, '127.0.0.1');
await announce(server);
