import type { ConfigIssue, IndexedSection, QuotaWindow } from '@vahub/core';
import { z } from 'zod';

const positiveInt = z.number().int().positive();

function validPattern(text: string): boolean {
  try {
    return new RegExp(`${text}|`).exec('')!.length > 1;
  } catch {
    return false;
  }
}

/**
 * `clients[i].toggl`: which of the VA's Toggl time is this client's. Time of the Toggl client, of the
 * listed projects, or of either when both are given.
 */
export const togglClientSection = z
  .strictObject({
    workspaceId: positiveInt,
    /** The Toggl client (the VA's customer as Toggl knows it) whose projects' time is this client's. */
    clientId: positiveInt.optional(),
    /** Projects whose time is this client's, whatever Toggl client they sit under. */
    projectIds: z.array(positiveInt).default([]),
    /**
     * Match the client's entries to its tasks, so the planner books what is left of each estimate.
     * Without this section a task's tracked time is unknown (and its past blocks count as done).
     */
    trackedTime: z
      .strictObject({
        /**
         * An entry whose description is the task's name (what Toggl's browser button writes for an
         * Asana task) is the task's, unless two open tasks share that name. @defaultValue true
         */
        matchName: z.boolean().default(true),
        /**
         * A regular expression whose first group captures the task's id in the description, for a
         * house rule such as "[1209…] Landing page". The task's link or `#id` always match.
         */
        idPattern: z
          .string()
          .refine(validPattern, {
            error: 'give a valid regular expression with one capture group, e.g. "\\[(\\d+)\\]"',
          })
          .optional(),
        /**
         * How far back entries are read, at most (each read costs Toggl requests, of which a Starter
         * plan has 240 an hour): time tracked on a task earlier than this is not counted. @defaultValue 90
         */
        lookbackDays: z.number().int().min(1).max(365).default(90),
      })
      .optional(),
  })
  .refine((t) => t.clientId !== undefined || t.projectIds.length > 0, {
    error: 'give toggl.clientId or toggl.projectIds so vahub knows which time belongs to this client',
  });

export type TogglClientSection = z.output<typeof togglClientSection>;

/** Toggl's real base URLs; each is overridable under `endpoints.toggl` or `VAHUB_ENDPOINT_TOGGL_*`. */
export const TOGGL_ENDPOINTS = {
  api: 'https://api.track.toggl.com/api/v9',
  reports: 'https://api.track.toggl.com/reports/api/v3',
  webhooks: 'https://api.track.toggl.com/webhooks/api/v1',
} as const;

export type TogglEndpoints = { [K in keyof typeof TOGGL_ENDPOINTS]: string };

/** A Toggl project or Toggl client may stand behind one vahub client only: its time would be billed twice. */
export function checkTogglClients(clients: readonly IndexedSection<TogglClientSection>[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owners = new Map<string, number>();
  const idAt = new Map(clients.map((c) => [c.index, c.clientId]));
  const claim = (key: string, index: number, path: string, what: string) => {
    const owner = owners.get(key);
    if (owner === undefined) owners.set(key, index);
    else if (owner !== index) {
      issues.push({
        path,
        message: `${what} is already mapped to clients[${owner}] (${idAt.get(owner)}): map it to one client only`,
      });
    }
  };
  for (const { index: i, section } of clients) {
    const { workspaceId, clientId, projectIds } = section;
    projectIds.forEach((pid, j) => {
      claim(
        `project:${workspaceId}:${pid}`,
        i,
        `clients[${i}].toggl.projectIds[${j}]`,
        `Toggl project ${pid}`,
      );
    });
    if (clientId !== undefined) {
      claim(
        `client:${workspaceId}:${clientId}`,
        i,
        `clients[${i}].toggl.clientId`,
        `Toggl client ${clientId}`,
      );
    }
  }
  return issues;
}

/**
 * Requests an hour per user and organisation that Toggl allows for workspace requests, by the
 * organisation's plan (Toggl's "API & Webhook limits", from 5 September 2025).
 */
export const TOGGL_PLAN_LIMITS = { free: 30, starter: 240, premium: 600 } as const;

/** `toggl:` at the top level: the organisation's Toggl plan, which sets the requests an hour vahub keeps to. */
export const togglSectionSchema = z.strictObject({
  /** `free` (30 requests an hour), `starter` (240) or `premium` (600). @defaultValue "starter" */
  plan: z.enum(['free', 'starter', 'premium']).default('starter'),
  /** Requests an hour, for an Enterprise plan's custom limit; wins over `plan`. */
  requestsPerHour: z.number().int().min(1).max(1_000_000).optional(),
});
export type TogglSection = z.output<typeof togglSectionSchema>;

/** The requests an hour the section allows (Starter's without one). */
export function togglRequestsPerHour(section: TogglSection | undefined): number {
  return section?.requestsPerHour ?? TOGGL_PLAN_LIMITS[section?.plan ?? 'starter'];
}

export function togglQuotas(section: TogglSection | undefined): QuotaWindow[] {
  return [{ limit: togglRequestsPerHour(section), windowMs: 3_600_000 }];
}
