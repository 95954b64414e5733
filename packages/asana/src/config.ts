import type { ClientWithSection, ConfigIssue, IndexedSection, QuotaWindow } from '@vahub/core';
import { z } from 'zod';

/** The environment variable vahub reads the token from when `auth.asana.token` is not in the file. */
export const ASANA_TOKEN_ENV = 'ASANA_TOKEN';

/** Every Asana URL vahub may call; each is overridable under `endpoints.asana` or `VAHUB_ENDPOINT_ASANA_*`. */
export const ASANA_ENDPOINTS = {
  api: 'https://app.asana.com/api/1.0',
  authorize: 'https://app.asana.com/-/oauth_authorize',
  token: 'https://app.asana.com/-/oauth_token',
} as const;

const gid = z
  .union([
    z.string().regex(/^\d+$/, {
      error: (i) =>
        `expected an Asana id (digits only, such as "1207000000000001": the number in the project's address), got ${JSON.stringify(i.input)}`,
    }),
    z.number().int().positive(),
  ])
  .transform(String);

/** Where an option of the priority field puts a task on the urgent/important matrix. */
export const priorityLevel = z.enum(['urgent+important', 'urgent', 'important', 'none']);
export type PriorityLevel = z.output<typeof priorityLevel>;

/** Asana's own Priority field's options, as most workspaces have them. */
export const DEFAULT_PRIORITY_OPTIONS: Readonly<Record<string, PriorityLevel>> = Object.freeze({
  High: 'urgent+important',
  Medium: 'important',
  Low: 'none',
});

/**
 * `clients[i].asana.priority`: how a task's place on the urgent/important matrix is read: from a
 * single-select custom field (its option names mapped to a level), and from tags. Either may mark a
 * task urgent or important; the two add up.
 */
export const asanaPrioritySchema = z.strictObject({
  /** Name or gid of the single-select field. @defaultValue "Priority" */
  field: z
    .string()
    .trim()
    .min(1, { error: 'give the name or gid of a single-select custom field' })
    .default('Priority'),
  /** Option name (case ignored) → level. @defaultValue High: urgent+important, Medium: important, Low: none */
  options: z
    .record(z.string().trim().min(1, { error: 'an option name cannot be empty' }), priorityLevel)
    .default({ ...DEFAULT_PRIORITY_OPTIONS }),
  /** Tag names (case ignored) that make a task urgent. @defaultValue ["urgent"] */
  urgentTags: z.array(z.string().trim().min(1, { error: 'a tag name cannot be empty' })).default(['urgent']),
  /** Tag names (case ignored) that make a task important. @defaultValue ["important"] */
  importantTags: z
    .array(z.string().trim().min(1, { error: 'a tag name cannot be empty' }))
    .default(['important']),
});
export type AsanaPrioritySection = z.output<typeof asanaPrioritySchema>;

/** `clients[i].asana`: which projects are the client's, and how its tasks are estimated. */
export const asanaClientSchema = z.strictObject({
  projects: z.array(gid).min(1, { error: 'list at least one Asana project gid' }),
  /** Minutes booked for a task whose estimate field is empty. @defaultValue 60 */
  defaultEstimateMinutes: z.number().int().min(5).max(10_000).default(60),
  /** Name or gid of the duration custom field that holds estimates. @defaultValue "Estimated time" */
  estimateField: z.string().min(1).default('Estimated time'),
  /** How urgent/important is read (field and tags). @defaultValue the field "Priority" and tags "urgent", "important" */
  priority: asanaPrioritySchema.default(() => asanaPrioritySchema.parse({})),
  /**
   * Post the client's weekly report as a status update of an Asana project (Asana notifies the
   * project's followers). Without this section the report waits for the VA to send.
   */
  weeklyReport: z
    .strictObject({
      /** @defaultValue true */
      post: z.boolean().default(true),
      /** The project whose status updates carry the report. @defaultValue the first of `projects` */
      project: gid.optional(),
    })
    .optional(),
});

export type AsanaClientSection = z.output<typeof asanaClientSchema>;

/** A configured client with its Asana section, as the connector is built with it. */
export type AsanaClientEntry = ClientWithSection<AsanaClientSection>;

/**
 * A project belongs to one client: every task in a project listed for two clients would be
 * ambiguous. Listing a project twice for the same client is harmless.
 */
export function checkProjects(clients: readonly IndexedSection<AsanaClientSection>[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owners = new Map<string, { index: number; clientId: string }>();
  for (const { index, clientId, section } of clients) {
    section.projects.forEach((project, j) => {
      const owner = owners.get(project);
      if (owner === undefined) owners.set(project, { index, clientId });
      else if (owner.index !== index) {
        issues.push({
          path: `clients[${index}].asana.projects[${j}]`,
          message: `Asana project ${project} is already mapped to clients[${owner.index}] (${owner.clientId}): map it to one client only`,
        });
      }
    });
  }
  return issues;
}

/** Requests a minute per token that Asana allows, by the kind of domain (Asana's "Rate limits" page). */
export const ASANA_PLAN_LIMITS = { free: 150, paid: 1_500 } as const;

/** `asana:` at the top level: the VA's Asana plan, which sets the requests a minute vahub keeps to. */
export const asanaSectionSchema = z.strictObject({
  /** The domain's plan: `free` (150 requests a minute) or `paid` (any paid tier: 1,500). @defaultValue "free" */
  plan: z.enum(['free', 'paid']).default('free'),
  /** Requests a minute, when Asana granted the domain another limit; wins over `plan`. */
  requestsPerMinute: z.number().int().min(1).max(100_000).optional(),
});
export type AsanaSection = z.output<typeof asanaSectionSchema>;

/** The requests a minute the section allows (the free plan's without one). */
export function asanaRequestsPerMinute(section: AsanaSection | undefined): number {
  return section?.requestsPerMinute ?? ASANA_PLAN_LIMITS[section?.plan ?? 'free'];
}

export function asanaQuotas(section: AsanaSection | undefined): QuotaWindow[] {
  return [{ limit: asanaRequestsPerMinute(section), windowMs: 60_000 }];
}
