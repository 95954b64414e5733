import {
  type ConnectorContext,
  type ConnectorInstance,
  defineConnector,
  type IdTable,
  MemoryStateStore,
  type RetryOptions,
} from '@vahub/core';
import { RequestBudget } from './budget.js';
import { AsanaClient } from './client.js';
import { type AsanaClientSection, type AsanaSection, asanaRequestsPerMinute } from './config.js';
import { asanaReceiver } from './receiver-entry.js';
import { AsanaReportPublisher } from './report-publisher.js';
import { AsanaTaskSource } from './task-source.js';
import { AsanaWebhookReceiver } from './webhooks/receive.js';
import { type HandshakeRegistry, StateHandshakeRegistry } from './webhooks/registry.js';
import { AsanaSubscriptions } from './webhooks/subscriptions.js';

export type AsanaContext = ConnectorContext<AsanaClientSection, AsanaSection>;

/**
 * The Asana connector as built from the config: the `tasks` port, the webhook receiver, and what the
 * webhook registration (`subscriptions`, built on `registerWebhook`).
 */
export class AsanaConnection implements ConnectorInstance<'tasks' | 'reports'> {
  readonly ports: { tasks: AsanaTaskSource; reports: AsanaReportPublisher };
  readonly webhooks: AsanaWebhookReceiver;
  /** The API client: one pipeline for the token. */
  readonly api: AsanaClient;
  /** Pending registrations and webhook secrets, in `context.deps.state`. */
  readonly handshakes: HandshakeRegistry;
  /** One webhook per configured project, at `<publicUrl>/webhooks/asana/<hook key>`. */
  readonly subscriptions: AsanaSubscriptions;

  constructor(context: AsanaContext) {
    const { deps } = context;
    const logger = deps.logger;
    const retry: RetryOptions = deps.sleep ? { sleep: deps.sleep } : {};
    this.api = new AsanaClient({
      token: context.secrets.token ?? null,
      baseUrl: context.endpoints.api,
      logger,
      retry,
      // Without the shared limiter (a single-process run), this process keeps to the plan's budget.
      limiter:
        deps.limiter ??
        new RequestBudget({
          limit: asanaRequestsPerMinute(context.section),
          ...(deps.now ? { now: deps.now } : {}),
        }),
      ...(deps.now ? { now: deps.now } : {}),
    });
    // Without a shared store (a single-process run) handshakes and secrets live in this process.
    this.handshakes = new StateHandshakeRegistry(deps.state ?? new MemoryStateStore(deps.now), {
      ...(deps.now ? { now: deps.now } : {}),
    });
    this.ports = {
      tasks: new AsanaTaskSource({
        client: this.api,
        clients: context.clients,
        onProblem: (problem) => logger.warn({ ...problem }, 'asana: left alone, not guessed'),
      }),
      reports: new AsanaReportPublisher({ client: this.api, clients: context.clients }),
    };
    this.subscriptions = new AsanaSubscriptions({
      client: this.api,
      registry: this.handshakes,
      projects: () => [...new Set(context.clients.flatMap((c) => c.section.projects))],
      ...(deps.now ? { now: deps.now } : {}),
    });
    this.webhooks = new AsanaWebhookReceiver({
      registry: this.handshakes,
      logger,
      ...(deps.now ? { now: deps.now } : {}),
    });
  }

  /** `vahub ids asana`: the workspaces, and each one's projects that are not archived. */
  async listIds(): Promise<IdTable[]> {
    const workspaces = await this.api.workspaces();
    const tables: IdTable[] = [
      {
        title: 'workspaces',
        configKey: '(none: for finding projects)',
        columns: ['gid', 'name'],
        rows: workspaces.map((w) => ({ gid: w.gid, name: w.name ?? '' })),
      },
    ];
    for (const w of workspaces) {
      const projects = await this.api.projects(w.gid);
      tables.push({
        title: 'projects',
        configKey: 'clients[].asana.projects',
        within: `${w.name ?? w.gid} (${w.gid})`,
        columns: ['gid', 'name'],
        rows: projects.map((p) => ({ gid: p.gid, name: p.name ?? '' })),
      });
    }
    return tables;
  }

  /** The token's owner, by one call (`GET /users/me`). */
  async whoami(): Promise<string> {
    const me = await this.api.me();
    return me.name ?? me.gid;
  }
}

/** Build the connector; never calls Asana, never throws for a missing token (the first call does). */
export function createAsanaConnection(context: AsanaContext): AsanaConnection {
  return new AsanaConnection(context);
}

/**
 * Asana: tasks become focus blocks, and weekly reports status updates. Registered as `asana`; its
 * config is `clients[i].asana`.
 */
export const asanaConnector = defineConnector({ ...asanaReceiver, create: createAsanaConnection });
