import { stableKey } from '@vahub/core';

/**
 * A BullMQ job id from an identity (a provider's event id, a client and period). The same identity
 * always gives the same id, so adding it twice gives one job; the digest keeps it free of `:` (which
 * BullMQ refuses in custom ids) and of whatever else a vendor's id holds.
 */
export function jobIdFor(kind: string, identity: readonly string[]): string {
  return `${labelOf(kind)}-${stableKey([kind, ...identity]).slice(0, 32)}`;
}

// The kinds are a handful (a job's name, `evt-<provider>`): each label is made once, not per job.
const labels = new Map<string, string>();
const MAX_LABELS = 1_000;

function labelOf(kind: string): string {
  let label = labels.get(kind);
  if (label === undefined) {
    label = kind
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 40);
    if (labels.size < MAX_LABELS) labels.set(kind, label);
  }
  return label;
}

/** The job id of a provider's event: redeliveries of one event collapse onto one job. */
export function eventJobId(provider: string, eventId: string): string {
  return jobIdFor(`evt-${provider}`, [provider, eventId]);
}
