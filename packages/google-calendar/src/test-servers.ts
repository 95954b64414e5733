// Servers that misbehave on the wire, for this package's tests (not built, not exported).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Stalled {
  url: string;
  /** Every request that arrived, with as much of its body as came (a token request's form). */
  seen: { method: string; path: string; authorization: string | undefined; body: string }[];
  /**
   * Resolves with how many sockets carried a request once every one of them has closed; rejects
   * after `ms` if some are still open (a timed-out call must close its own).
   */
  requestSocketsClosed(ms?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that never finishes an answer: `silent` sends nothing at all,
 * `trickle` sends the headers and the start of a JSON body, then nothing more.
 */
export async function startStalledServer(mode: 'silent' | 'trickle'): Promise<Stalled> {
  const carriers = new Set<Socket>();
  const seen: Stalled['seen'] = [];
  const server: Server = createServer((req, res) => {
    carriers.add(req.socket);
    // Logged on arrival: a client that gives up early may never finish sending the body.
    const request = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body: '',
    };
    seen.push(request);
    req.on('data', (chunk: Buffer) => {
      request.body += chunk.toString();
    });
    req.on('end', () => {
      if (mode === 'trickle') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"kind": "calendar#events", "items": [');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    requestSocketsClosed: (ms = 2000) =>
      new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const open = [...carriers].filter((s) => !s.destroyed).length;
          if (open === 0) return resolve(carriers.size);
          if (Date.now() - started > ms) return reject(new Error(`${open} sockets still open`));
          setImmediate(check);
        };
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
