import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface BareServer {
  url: string;
  /** Every request that reached it, credentials included: what a test asserts a host never got. */
  seen: SeenRequest[];
  /**
   * Resolves with how many sockets carried a request once every one of them has closed; rejects if
   * some are still open after `ms` (the bound of the wait, not a timing assertion).
   */
  requestSocketsClosed(ms?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A plain HTTP server on 127.0.0.1 for the behaviours no fake vendor has: never answering, answering
 * headers and then stalling, standing in as "another host" behind a redirect. It records what reached
 * it and counts the sockets that carried a request, so a test can show a timed-out call closed its own.
 */
export async function bareServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<BareServer> {
  const seen: SeenRequest[] = [];
  const carriers = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    carriers.add(req.socket);
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res);
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
          if (Date.now() - started > ms) return reject(new Error(`${open} request sockets still open`));
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

/** Never answers. */
export const silent = (): void => undefined;

/** Sends a 200's headers and the start of a JSON body, then nothing more. */
export function trickle(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"Invoices": [');
}
