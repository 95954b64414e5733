import {
  type ClientWithSection,
  ConnectorError,
  type NameLookup,
  type TaskRef,
  type TimeChange,
  type TimeEntry,
  type TimeQuery,
  type TimeSource,
  type TimeWindow,
} from '@vahub/core';
import type { TogglClient } from './client.js';
import type { TogglClientSection } from './config.js';
import { TogglNames } from './names.js';
import { trackedMinutes } from './tracked.js';

const DAY_MS = 86_400_000;
/** How far back Toggl answers `since` reads (three months), less a day to be safe. */
const SINCE_LIMIT_MS = 89 * DAY_MS;
/** The most entries one `/me/time_entries` read returns. */
const SINCE_MOST = 1_000;

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

export interface TogglTimeSourceOptions {
  client: TogglClient;
  /** The configured clients with a `toggl` section (`context.clients`). */
  clients: readonly ClientWithSection<TogglClientSection>[];
  /** How long project and task names are reused before Toggl is asked again. @defaultValue 300_000 */
  namesTtlMs?: number;
  now?: () => number;
}

/**
 * Toggl as core's `TimeSource`, spoken in vahub's client ids: which workspace, Toggl client and
 * projects stand behind a client is read from its `toggl` section here, and nowhere else. Listing goes
 * through Reports v3 searches (paged only past the page size) instead of many v9 calls, because
 * Toggl's hourly quota is tiny (30/h on Free).
 */
export class TogglTimeSource implements TimeSource {
  private readonly sections: ReadonlyMap<string, ClientWithSection<TogglClientSection>>;
  private readonly names_: TogglNames;

  constructor(private readonly options: TogglTimeSourceOptions) {
    this.sections = new Map(options.clients.map((c) => [c.client.id, c]));
    this.names_ = new TogglNames({
      client: options.client,
      ttlMs: options.namesTtlMs ?? 300_000,
      now: options.now ?? Date.now,
    });
  }

  /**
   * Entries that started in `[start, end)` of the client's time: its Toggl client's projects, its listed
   * projects, or either when both are configured (Toggl ANDs its filters, so those are two searches,
   * merged by entry id). A running entry comes back recognised (negative `durationSeconds`, `stop: null`)
   * rather than dropped, so the invoicing engine can leave it out of the bill and tell the VA why.
   */
  async listTimeEntries(query: TimeQuery): Promise<TimeEntry[]> {
    const { section } = this.sectionOf(query.clientId, 'listTimeEntries');
    const from = Date.parse(query.start);
    const to = Date.parse(query.end);
    // Reports read dates in the token owner's profile zone, which vahub does not spend a request to learn:
    // ask one day wider on each side (no zone is more than 14 h off UTC), then cut to the exact instants.
    const base = {
      workspaceId: String(section.workspaceId),
      startDate: utcDate(query.start, -1),
      endDate: utcDate(query.end, 1),
    };
    const searches = [];
    if (section.clientId !== undefined) searches.push({ ...base, clientIds: [String(section.clientId)] });
    if (section.projectIds.length > 0) searches.push({ ...base, projectIds: section.projectIds.map(String) });
    const byId = new Map<string, TimeEntry>();
    for (const search of searches) {
      const { entries } = await this.options.client.report(search);
      for (const entry of entries) byId.set(entry.id, entry);
    }
    return [...byId.values()].filter((e) => {
      const start = Date.parse(e.start);
      return start >= from && start < to;
    });
  }

  /**
   * Minutes tracked on each task in entries that started in `window` (no earlier than the client's
   * `trackedTime.lookbackDays` before its end), matched by the client's `toggl.trackedTime` rules; a
   * running entry counts up to `window.end`. Null when the client has no such section.
   */
  async trackedMinutesByTask(
    clientId: string,
    tasks: readonly TaskRef[],
    window: TimeWindow,
  ): Promise<ReadonlyMap<string, number> | null> {
    const rules = this.sectionOf(clientId, 'trackedMinutesByTask').section.trackedTime;
    if (rules === undefined) return null;
    if (tasks.length === 0) return new Map();
    // utcDate refuses a window end that is not an instant, with a clear error.
    for (const instant of [window.start, window.end]) utcDate(instant, 0);
    const end = Date.parse(window.end);
    const start = Math.max(Date.parse(window.start), end - rules.lookbackDays * DAY_MS);
    if (start >= end) return new Map(tasks.map((t) => [t.id, 0]));
    const iso = (ms: number) => new Date(ms).toISOString();
    const entries = await this.listTimeEntries({ clientId, start: iso(start), end: iso(end) });
    return trackedMinutes(entries, tasks, rules, end);
  }

  /**
   * Every entry created, changed or deleted at or after `since`: one read of the token owner's
   * entries modified since then (`GET /me/time_entries?since=`, deleted ones included, `at` on each),
   * each with the clients it counts for: by its project, or by its project's Toggl client (the
   * workspace's projects, kept `namesTtlMs`). Time on no project is no client's; an entry on a
   * project not known is `clientIds: null`. Null when Toggl keeps no changes that far back (three
   * months) or the read came back full (1,000 entries, the most it returns): some may be missing.
   */
  async changesSince(since: string): Promise<TimeChange[] | null> {
    const from = Date.parse(since);
    if (Number.isNaN(from) || from < (this.options.now ?? Date.now)() - SINCE_LIMIT_MS) return null;
    const entries = await this.options.client.timeEntriesSince(from);
    if (entries.length >= SINCE_MOST) return null;
    const out: TimeChange[] = [];
    for (const entry of entries) {
      const workspace = [...this.sections].filter(
        ([, c]) => String(c.section.workspaceId) === entry.workspaceId,
      );
      out.push({
        entry,
        clientIds: await this.clientsOf(entry, workspace),
        workspaceClients: workspace.map(([id]) => id),
      });
    }
    return out;
  }

  private async clientsOf(
    entry: TimeEntry,
    workspace: readonly [string, ClientWithSection<TogglClientSection>][],
  ): Promise<string[] | null> {
    const project = entry.projectId;
    if (project === null) return [];
    const out: string[] = [];
    for (const [id, { section }] of workspace) {
      if (section.projectIds.some((p) => String(p) === project)) out.push(id);
      else if (section.clientId !== undefined) {
        const owner = (await this.names_.projectClients(entry.workspaceId)).get(project);
        if (owner === undefined) return null;
        if (owner === String(section.clientId)) out.push(id);
      }
    }
    return out;
  }

  /** Tag the client's entries, at most 100 per request; safe to repeat. */
  tagEntries(clientId: string, entryIds: readonly string[], tag: string): Promise<void> {
    return this.patch({ clientId, entryIds, tag, op: 'add' });
  }

  untagEntries(clientId: string, entryIds: readonly string[], tag: string): Promise<void> {
    return this.patch({ clientId, entryIds, tag, op: 'remove' });
  }

  /**
   * Project names of the client's workspace and, for a client billed per task or when
   * `options.tasks` asks (a report of hours per task), the task names of its projects: one more
   * request per active project. Reused for a few minutes: each list costs one of Toggl's few hourly requests.
   */
  names(clientId: string, options: { tasks?: boolean } = {}): Promise<NameLookup> {
    const { client, section } = this.sectionOf(clientId, 'names');
    return this.names_.of({ section, perTask: options.tasks ?? client.billing.grouping === 'task' });
  }

  private async patch(input: {
    clientId: string;
    entryIds: readonly string[];
    tag: string;
    op: 'add' | 'remove';
  }): Promise<void> {
    const operation = input.op === 'add' ? 'tagEntries' : 'untagEntries';
    const { section } = this.sectionOf(input.clientId, operation);
    if (input.entryIds.length === 0) return;
    const result = await this.options.client.bulkTag({
      workspaceId: String(section.workspaceId),
      entryIds: input.entryIds,
      tag: input.tag,
      op: input.op,
    });
    if (result.failure.length > 0) {
      throw new ConnectorError({
        provider: 'toggl',
        operation,
        code: 'failed',
        retryable: false,
        message: `${result.failure.length} of ${result.success.length + result.failure.length} entries could not be ${input.op === 'add' ? 'tagged' : 'untagged'} "${input.tag}"; the others were`,
        details: result.failure.map((f) => `${f.id}: ${f.message}`),
      });
    }
  }

  private sectionOf(clientId: string, operation: string): ClientWithSection<TogglClientSection> {
    const found = this.sections.get(clientId);
    if (found) return found;
    throw new ConnectorError({
      provider: 'toggl',
      operation,
      code: 'validation',
      retryable: false,
      message: `client "${clientId}" has no toggl section in the config: add clients[…].toggl with its workspaceId and clientId or projectIds`,
    });
  }
}
