import express from 'express';
import { announce, checkAndAdd } from './receiver-work.js';

/**
 * The receiver bench's bare baseline (the issue's), as its own process (run with the same loader as
 * vahub's receiver): an Express route that reads the raw body, checks one base64 HMAC of it in
 * constant time, and adds one BullMQ job under an id from the delivery (receiver-work.ts).
 */
const app = express();
app.post('/hook', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
  res.status(await checkAndAdd(req.body as Buffer, req.headers['x-xero-signature'])).end();
});
await announce(app.listen(0, '127.0.0.1'));
