import { randomBytes } from 'node:crypto';
import { AsanaClient, AsanaTaskSource } from '@vahub/asana';
import {
  ConnectorError,
  type Lock,
  MemoryLock,
  MemoryTokenStore,
  type TokenStore,
  type VahubConfig,
} from '@vahub/core';
import { connectGoogle, createGoogleCalendar, type GoogleCalendar } from '@vahub/google-calendar';
import { TogglClient, TogglTimeSource } from '@vahub/toggl';
import { type XeroConnection, XeroConnector } from '@vahub/xero';

/** The connectors behind core's ports, wired from the config. */
export interface DemoPorts {
  tasks: AsanaTaskSource;
  calendar: GoogleCalendar;
  time: TogglTimeSource;
  toggl: TogglClient;
  invoices: XeroConnector;
  /** The organisations the Xero grant covers. */
  xeroConnections: XeroConnection[];
  /** What Google granted. */
  googleScope: string | undefined;
}

/**
 * `vahub connect` for the demo: the real OAuth flows against the fakes, with `fetch` standing in for
 * the VA's browser. Google: consent page, loopback redirect, PKCE code exchange. Xero: consent page,
 * redirect, code exchange, then `/connections`. Tokens go to the given store; the demo uses memory,
 * production the jobs package's encrypted Redis store.
 */
export async function connectPorts(
  config: VahubConfig,
  deps: { store?: TokenStore; lock?: Lock } = {},
): Promise<DemoPorts> {
  const store = deps.store ?? new MemoryTokenStore();
  const lock = deps.lock ?? new MemoryLock();
  const asanaToken = config.auth.asana?.token;
  if (!asanaToken) throw new Error('auth.asana.token is not configured');
  const tasks = new AsanaTaskSource({
    client: new AsanaClient({ token: asanaToken, baseUrl: config.endpoints.asana.api }),
    clients: config.clients,
  });
  const toggl = TogglClient.fromConfig(config);

  const google = createGoogleCalendar({ config, store, lock });
  const granted = await connectGoogle({
    oauth: google.oauth,
    store,
    open: async (url) => {
      // The "browser": follow the consent page's redirect to vahub's loopback receiver.
      const res = await fetch(url);
      await res.arrayBuffer();
    },
    timeoutMs: 10_000,
  });

  const invoices = XeroConnector.fromConfig(config, { tokenStore: store, lock });
  const xeroConnections = await connectXero(invoices);
  return {
    tasks,
    calendar: google.calendar,
    time: new TogglTimeSource(toggl),
    toggl,
    invoices,
    xeroConnections,
    googleScope: granted.scope,
  };
}

async function connectXero(xero: XeroConnector): Promise<XeroConnection[]> {
  // Xero only redirects to a registered URI; the demo reads the redirect instead of serving it.
  const redirectUri = 'http://127.0.0.1:8787/connect/xero/callback';
  const state = randomBytes(24).toString('base64url');
  const res = await fetch(xero.oauth.authorizeUrl({ redirectUri, state }), { redirect: 'manual' });
  await res.arrayBuffer();
  const location = res.headers.get('location');
  const back = location ? new URL(location) : null;
  const code = back?.searchParams.get('code');
  if (!back || back.searchParams.get('state') !== state || !code) {
    throw new ConnectorError({
      provider: 'xero',
      operation: 'authorize',
      code: 'failed',
      retryable: false,
      message: `Xero's consent did not come back with a code (${back?.searchParams.get('error') ?? `status ${res.status}`})`,
    });
  }
  return xero.completeConnect({ code, redirectUri });
}
