import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DashboardAuth, isLoopback, TOKEN_ENV } from './auth.js';
import { createDashboard, type DashboardOptions } from './create.js';

export interface StartDashboardOptions extends Omit<DashboardOptions, 'auth'> {
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** @defaultValue "127.0.0.1": only this machine */
  host?: string;
  /** @defaultValue open on loopback; required (a token) on any other address */
  auth?: DashboardAuth;
}

export interface RunningDashboard {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Listen: for `vahub start` and the demo. Refuses to listen beyond loopback without a login. */
export async function startDashboard(options: StartDashboardOptions): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const auth = options.auth ?? { mode: 'open' };
  if (auth.mode === 'open' && !isLoopback(host))
    throw new Error(
      `the dashboard would listen on ${host} without a login: set ${TOKEN_ENV}, or bind to 127.0.0.1`,
    );
  const app = createDashboard({ ...options, auth });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
