import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RawRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

export interface RawVendor {
  url: string;
  requests: RawRequest[];
  /** Resolves with how many sockets carried a request once all of them are closed; rejects after `ms`. */
  requestSocketsClosed(ms?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A bare HTTP server on 127.0.0.1 standing in for Toggl where the fake cannot misbehave enough: one that
 * never answers, stalls after its headers, answers garbage or redirects elsewhere. It logs what
 * reached it and counts the sockets that carried a request, so a test can see none is left open.
 */
export async function rawVendor(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RawVendor> {
  const requests: RawRequest[] = [];
  const carriers = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    carriers.add(req.socket);
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
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
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
