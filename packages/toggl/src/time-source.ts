import { ConnectorError, type TimeEntry, type TimeQuery, type TimeSource } from '@vahub/core';
import type { TogglClient } from './client.js';

const DAY_MS = 86_400_000;

/** The UTC calendar date of an instant, `days` days later. */
function utcDate(instant: string, days: number): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) {
    throw new ConnectorError({
      provider: 'toggl',
      operation: 'listTimeEntries',
      code: 'validation',
      retryable: false,
      message: `not an ISO instant: ${JSON.stringify(instant.slice(0, 40))}`,
    });
  }
  return new Date(ms + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Toggl as core's `TimeSource`. Listing goes through one Reports v3 search (paged only past the page
 * size) instead of many v9 calls, because Toggl's hourly quota is tiny (30/h on Free).
 */
export class TogglTimeSource implements TimeSource {
  constructor(private readonly client: TogglClient) {}

  /**
   * Entries that started in `[start, end)` of the client's projects. A running entry comes back
   * recognised (negative `durationSeconds`, `stop: null`) rather than dropped, so the invoicing engine
   * can leave it out of the bill and tell the VA why.
   */
  async listTimeEntries(query: TimeQuery): Promise<TimeEntry[]> {
    const from = Date.parse(query.start);
    const to = Date.parse(query.end);
    // Reports read dates in the token owner's profile zone, which vahub does not spend a request to learn:
    // ask one day wider on each side (no zone is more than 14 h off UTC), then cut to the exact instants.
    const { entries } = await this.client.report({
      workspaceId: query.workspaceId,
      startDate: utcDate(query.start, -1),
      endDate: utcDate(query.end, 1),
      clientIds: query.clientId === undefined ? undefined : [query.clientId],
      projectIds: query.projectIds,
    });
    return entries.filter((e) => {
      const start = Date.parse(e.start);
      return start >= from && start < to;
    });
  }

  tagEntries(workspaceId: string, entryIds: readonly string[], tag: string): Promise<void> {
    return this.patch(workspaceId, entryIds, tag, 'add');
  }

  untagEntries(workspaceId: string, entryIds: readonly string[], tag: string): Promise<void> {
    return this.patch(workspaceId, entryIds, tag, 'remove');
  }

  private async patch(
    workspaceId: string,
    entryIds: readonly string[],
    tag: string,
    op: 'add' | 'remove',
  ): Promise<void> {
    if (entryIds.length === 0) return;
    const result = await this.client.bulkTag({ workspaceId, entryIds, tag, op });
    if (result.failure.length > 0) {
      throw new ConnectorError({
        provider: 'toggl',
        operation: op === 'add' ? 'tagEntries' : 'untagEntries',
        code: 'failed',
        retryable: false,
        message: `${result.failure.length} of ${result.success.length + result.failure.length} entries could not be ${op === 'add' ? 'tagged' : 'untagged'} "${tag}"; the others were`,
        details: result.failure.map((f) => `${f.id}: ${f.message}`),
      });
    }
  }
}
