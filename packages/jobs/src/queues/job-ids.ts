import { randomBytes } from 'node:crypto';
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

/**
 * The identity of a provider's event among jobs: redeliveries of one event collapse onto the job
 * first added under it (`JobQueues.addCheckedOnce`), and `findEventJob` finds that job by it.
 */
export function eventJobId(provider: string, eventId: string): string {
  return jobIdFor(`evt-${provider}`, [provider, eventId]);
}

// This process's part of every id `uniqueJobId` makes, then a count: unique without a digest.
const PROCESS_TAG = randomBytes(4).toString('hex');
let made = 0;

/**
 * A job id of `base` that no other add uses, so the id an add answers with says whether that add
 * made the job (a collapsed add answers with the first job's id).
 */
export function uniqueJobId(base: string): string {
  made += 1;
  return `${base}-${PROCESS_TAG}${made.toString(36)}`;
}
