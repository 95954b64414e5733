import {
  type CalendarPort,
  type ConnectFlow,
  type InvoiceSink,
  type Lock,
  MemoryLock,
  MemoryStateStore,
  MemoryTokenStore,
  type ReportPublisher,
  silentLogger,
  type TaskSource,
  type TimeSource,
  type TokenStore,
} from '@vahub/core';
import { buildConnectors, type Config } from '@vahub/registry';

/** The connectors behind core's ports, built from the config through the registry. */
export interface DemoPorts {
  tasks: TaskSource;
  calendar: CalendarPort;
  time: TimeSource;
  invoices: InvoiceSink;
  /** Where weekly reports are posted for clients whose config says so. */
  reports?: ReportPublisher;
  /** The organisations the Xero grant reaches. */
  xeroConnections: readonly { id: string; name: string }[];
  /** What Google granted. */
  googleScope: string | undefined;
}

/** The VA's browser, for the demo: follow the consent page's redirect back to vahub's loopback receiver. */
async function browser(url: string): Promise<void> {
  const res = await fetch(url);
  await res.arrayBuffer();
}

/**
 * `vahub connect` for the demo: the real OAuth flows against the fakes, with `fetch` standing in for
 * the VA's browser. Google: consent page, loopback redirect, PKCE code exchange. Xero: consent page,
 * loopback redirect, code exchange, then `/connections`. Tokens go to the given store; the demo uses
 * memory, production the jobs package's encrypted Redis store.
 */
export async function connectPorts(
  config: Config,
  deps: { store?: TokenStore; lock?: Lock } = {},
): Promise<DemoPorts> {
  const built = buildConnectors(config, {
    tokens: deps.store ?? new MemoryTokenStore(),
    lock: deps.lock ?? new MemoryLock(),
    logger: silentLogger,
    state: new MemoryStateStore(),
  });
  const flow = (id: string): ConnectFlow => {
    const oauth = built.instances.get(id)?.oauth;
    if (!oauth) throw new Error(`the ${id} connector has no consent flow`);
    return oauth;
  };
  const google = await flow('google').connect({ open: browser, timeoutMs: 10_000 });
  // Xero redirects only to registered addresses; the fake takes any, so a free port will do.
  const xero = await flow('xero').connect({
    open: browser,
    timeoutMs: 10_000,
    redirectUri: 'http://127.0.0.1:0/connect/xero/callback',
  });
  return {
    ...built.ports,
    xeroConnections: xero.reaches ?? [],
    googleScope: google.scope,
  };
}
