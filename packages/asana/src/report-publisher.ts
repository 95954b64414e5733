import {
  ConnectorError,
  type PublishableReport,
  type PublishedReport,
  type ReportPublisher,
} from '@vahub/core';
import type { AsanaClient } from './client.js';
import type { AsanaClientEntry } from './config.js';

/** Where a client's report goes: the project named in `weeklyReport`, else the client's first project. */
export function reportProject(entry: AsanaClientEntry): string | null {
  const settings = entry.section.weeklyReport;
  if (!settings?.post) return null;
  return settings.project ?? entry.section.projects[0] ?? null;
}

/**
 * Core's `ReportPublisher` over Asana: a client's weekly report becomes a status update of one of
 * its projects, a place the client already looks (Asana sends it to the project's followers).
 * Status updates cannot be edited, only created and deleted, so a week's report is posted once: the
 * project's updates since the week began are read first, and one whose title starts with the
 * report's `titleKey` is this week's.
 */
export class AsanaReportPublisher implements ReportPublisher {
  private readonly byClient: ReadonlyMap<string, AsanaClientEntry>;

  constructor(
    private readonly options: {
      client: AsanaClient;
      clients: readonly AsanaClientEntry[];
    },
  ) {
    this.byClient = new Map(options.clients.map((c) => [c.client.id, c]));
  }

  destination(clientId: string): string | null {
    const entry = this.byClient.get(clientId);
    const project = entry ? reportProject(entry) : null;
    return project === null ? null : `status updates of Asana project ${project}`;
  }

  async publish(clientId: string, report: PublishableReport): Promise<PublishedReport> {
    const entry = this.byClient.get(clientId);
    const project = entry ? reportProject(entry) : null;
    if (project === null) {
      throw new ConnectorError({
        provider: 'asana',
        operation: 'publishReport',
        code: 'validation',
        retryable: false,
        message: `client "${clientId}" has no asana.weeklyReport section: add clients[…].asana.weeklyReport: { post: true } to post its reports`,
      });
    }
    const earlier = await this.options.client.listStatusUpdates(project, report.notBefore);
    const found = earlier.find((u) => (u.title ?? '').startsWith(report.titleKey));
    if (found) return { id: found.gid, url: null, outcome: 'existing' };
    const created = await this.options.client.createStatusUpdate({
      parent: project,
      title: report.title,
      text: report.text,
      statusType: report.status === 'at-risk' ? 'at_risk' : 'on_track',
    });
    return { id: created.gid, url: null, outcome: 'posted' };
  }
}
