import type { WebhookEvent } from '@vahub/core';
import type { EventDedupeStore } from '../state/dedupe-store.js';
import { eventJobId } from './job-ids.js';
import type { JobQueues } from './queues.js';

/** The job of each event subject. */
export const CHANGE_EVENT_JOBS = {
  task: 'event.task',
  'time-entry': 'event.time-entry',
  calendar: 'event.calendar',
  invoice: 'event.invoice',
} as const satisfies Record<WebhookEvent['subject'], string>;

export interface EnqueuedEvent {
  outcome: 'enqueued' | 'duplicate';
  job: (typeof CHANGE_EVENT_JOBS)[WebhookEvent['subject']];
  jobId: string;
}

/**
 * Take in one "something changed" event, once. An event seen before (within the dedupe store's
 * days) is a duplicate; otherwise it is added under a job id derived from its identity, so two
 * deliveries racing each other still make one job; only then is it remembered, so a failure
 * between the two leaves nothing lost: the vendor's redelivery adds it (or collapses onto it).
 */
export async function enqueueChangeEvent(options: {
  queues: JobQueues;
  dedupe: EventDedupeStore;
  provider: string;
  deliveryId: string | null;
  event: WebhookEvent;
  /** @defaultValue now */
  receivedAt?: string;
}): Promise<EnqueuedEvent> {
  const { queues, dedupe, provider, event } = options;
  const job = CHANGE_EVENT_JOBS[event.subject];
  const jobId = eventJobId(provider, event.id);
  if (await dedupe.seen(provider, event.id)) return { outcome: 'duplicate', job, jobId };
  await queues.add(
    job,
    {
      provider,
      eventId: event.id,
      deliveryId: options.deliveryId,
      action: event.action,
      resourceId: event.resourceId,
      scope: event.scope,
      at: event.at,
      receivedAt: options.receivedAt ?? new Date().toISOString(),
    },
    { jobId },
  );
  const first = await dedupe.remember(provider, event.id);
  return { outcome: first ? 'enqueued' : 'duplicate', job, jobId };
}
