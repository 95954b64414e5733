// The chaos run's world: several clients over the four fakes (one Asana project, one Toggl project
// and one Xero contact each, all in one Xero organisation), and what each client's invoice must say.

import { addContact, TENANT } from '../support/flows-world.js';
import type { WorldSeed } from '../support/world-seed.js';

export const WORKSPACE = 4242;

export interface ChaosClient {
  id: string;
  name: string;
  zone: string;
  project: string;
  togglProject: number;
  contactId: string;
  /** Hourly rate in whole currency units. */
  rate: number;
  retainer: { hours: number; amount: number } | null;
}

const ZONES = ['Australia/Sydney', 'Europe/London', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo'];

export function chaosClients(count: number): ChaosClient[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `client-${i + 1}`,
    name: `Client ${i + 1}`,
    zone: ZONES[i % ZONES.length]!,
    project: `12079000000000${String(i + 1).padStart(2, '0')}`,
    togglProject: 290_001 + i,
    contactId: `00000000-0000-4000-8000-0000000000${String(i + 1).padStart(2, '0')}`,
    rate: 40 + 5 * i,
    retainer: i % 2 === 0 ? { hours: 10, amount: 500 } : null,
  }));
}

/** The client's draft before tax, from the minutes of its entries (each a whole number of quarters). */
export function expectedSubtotal(client: ChaosClient, minutes: number): number {
  const hours = minutes / 60;
  if (!client.retainer) return hours * client.rate;
  return client.retainer.amount + Math.max(0, hours - client.retainer.hours) * client.rate;
}

export function chaosWorld(clients: ChaosClient[]): WorldSeed {
  const lines = clients.map((c) =>
    [
      `  - id: ${c.id}`,
      `    name: ${c.name}`,
      `    timezone: ${c.zone}`,
      `    asana: { projects: ["${c.project}"] }`,
      `    toggl: { workspaceId: ${WORKSPACE}, projectIds: [${c.togglProject}] }`,
      `    billing: { currency: AUD, hourlyRate: "${c.rate}.00"${
        c.retainer ? `, retainer: { hours: ${c.retainer.hours}, amount: "${c.retainer.amount}.00" }` : ''
      } }`,
      `    xero: { tenantId: ${TENANT}, contactId: ${c.contactId}, accountCode: "200", taxType: NONE }`,
    ].join('\n'),
  );
  const config = `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
calendar: { bufferMinutes: 10, minBlockMinutes: 30, maxBlockMinutes: 120, horizonDays: 7, earliestStartMinutes: 15 }
# The VA on paid plans: Asana's 1,500 requests a minute, Toggl Premium's 600 an hour (the limiter keeps to them).
asana: { plan: paid }
toggl: { plan: premium }
clients:
${lines.join('\n')}
auth:
  asana: { token: "\${ASANA_TOKEN}" }
  toggl: { apiToken: "\${TOGGL_API_TOKEN}" }
  google: { clientId: "\${GOOGLE_CLIENT_ID}", clientSecret: "\${GOOGLE_CLIENT_SECRET}" }
  xero: { clientId: "\${XERO_CLIENT_ID}", clientSecret: "\${XERO_CLIENT_SECRET}" }
`;
  return {
    config,
    projects: clients.map((c) => c.project),
    seed({ asana, toggl, xero }) {
      toggl.addWorkspace({ id: WORKSPACE });
      for (const c of clients) {
        asana.addProject({ gid: c.project, name: c.name });
        toggl.addProject(WORKSPACE, { id: c.togglProject, name: `${c.name} work` });
        addContact(xero, c.contactId, c.name);
      }
    },
  };
}
