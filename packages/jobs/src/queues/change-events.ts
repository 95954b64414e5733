import { VahubError, type WebhookEvent } from '@vahub/core';
import { changeEventPayload } from '../catalog/payloads.js';
import type { EventDedupeStore } from '../state/dedupe-store.js';
import { eventJobId } from './job-ids.js';
import { AddFailedError, type JobQueues } from './queues.js';

/** The job of each event subject. */
export const CHANGE_EVENT_JOBS = {
  task: 'event.task',
  'time-entry': 'event.time-entry',
  calendar: 'event.calendar',
  invoice: 'event.invoice',
} as const satisfies Record<WebhookEvent['subject'], string>;

export type ChangeEventJob = (typeof CHANGE_EVENT_JOBS)[WebhookEvent['subject']];

export interface EnqueuedEvent {
  outcome: 'enqueued' | 'duplicate';
  job: ChangeEventJob;
  jobId: string;
}

/**
 * The job and payload one event becomes, checked: a receiver that produced an event vahub cannot
 * queue (an unknown subject, an empty id) gets a `VahubError` naming it, before anything is queued.
 */
export function changeEventJob(options: {
  provider: string;
  deliveryId: string | null;
  event: WebhookEvent;
  /** @defaultValue now */
  receivedAt?: string;
}) {
  const { provider, event } = options;
  const job: ChangeEventJob | undefined = Object.hasOwn(CHANGE_EVENT_JOBS, event.subject)
    ? CHANGE_EVENT_JOBS[event.subject]
    : undefined;
  if (!job) throw new VahubError(`a ${provider} event has an unknown subject "${String(event.subject)}"`);
  const parsed = changeEventPayload.safeParse({
    provider,
    eventId: event.id,
    deliveryId: options.deliveryId,
    action: event.action,
    resourceId: event.resourceId,
    scope: event.scope,
    at: event.at,
    receivedAt: options.receivedAt ?? new Date().toISOString(),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VahubError(
      `a ${provider} event cannot be queued (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  return { job, jobId: eventJobId(provider, event.id), payload: parsed.data };
}

/** An event's job as `changeEventJob` made it: checked, ready to add. */
export type CheckedEvent = ReturnType<typeof changeEventJob>;

/**
 * Take in one "something changed" event, once. An event seen before (within the dedupe store's
 * days) is a duplicate; otherwise it is added under a job id derived from its identity, so two
 * deliveries racing each other still make one job, and remembered right behind the add, in the same
 * round trip: Redis runs the add first, so a failure between them leaves the job unremembered (a
 * redelivery is added again: at least once), never the event remembered without its job. An add that failed is
 * forgotten again. Two round trips: the check, then the add with the remember.
 */
export async function enqueueChangeEvent(options: {
  queues: JobQueues;
  dedupe: EventDedupeStore;
  provider: string;
  deliveryId: string | null;
  event: WebhookEvent;
  receivedAt?: string;
  /** The event as `changeEventJob` already made it (the receiver checks a delivery whole first). */
  checked?: CheckedEvent;
}): Promise<EnqueuedEvent> {
  const { queues, dedupe, provider, event } = options;
  const { job, jobId, payload } = options.checked ?? changeEventJob(options);
  // One digest for the check, the remember and an undo.
  const seenKey = dedupe.keyOf(provider, event.id);
  if (await dedupe.seenAt(seenKey)) return { outcome: 'duplicate', job, jobId };
  let remembered: unknown;
  try {
    remembered = await queues.addCheckedThen(job, payload, { jobId }, (client) =>
      dedupe.rememberOn(client, seenKey),
    );
  } catch (err) {
    // The add failed but this call's remember went in: undo it, or the redelivery would be dropped.
    if (err instanceof AddFailedError && err.alsoReplies[0] === 'OK') await dedupe.forgetAt(seenKey);
    throw err;
  }
  return { outcome: remembered === 'OK' ? 'enqueued' : 'duplicate', job, jobId };
}
