import { describe, expect, expectTypeOf, it } from 'vitest';
import { type JobHandlers, type JobPayload, jobCatalog } from './catalog.js';
import { assertHandlers } from './handlers.js';

const noop = async () => undefined;

/** A handler map as the worker must write it: one typed handler per job. */
const complete = {
  'event.task': async (payload) => {
    expectTypeOf(payload.action).toEqualTypeOf<'created' | 'changed' | 'deleted'>();
    expectTypeOf(payload.deliveryId).toEqualTypeOf<string | null>();
  },
  'event.time-entry': noop,
  'event.calendar': noop,
  'event.invoice': noop,
  'schedule.replan': async (payload) => {
    expectTypeOf(payload.reason).toEqualTypeOf<string>();
  },
  'invoice.run': async (payload) => {
    expectTypeOf(payload.clientId).toEqualTypeOf<string>();
  },
  sweep: noop,
  reconcile: noop,
  'channels.renew': noop,
  'report.weekly': noop,
} satisfies JobHandlers;

describe('job catalog', () => {
  it('names the jobs the service runs, each with a payload schema, tries and a jittered backoff', () => {
    expect(Object.keys(jobCatalog).sort()).toEqual([
      'channels.renew',
      'event.calendar',
      'event.invoice',
      'event.task',
      'event.time-entry',
      'invoice.run',
      'reconcile',
      'report.weekly',
      'schedule.replan',
      'sweep',
    ]);
    for (const [name, job] of Object.entries(jobCatalog)) {
      expect(name, 'a queue name BullMQ accepts').toMatch(/^[a-z][a-z.-]*$/);
      expect(job.attempts, name).toBeGreaterThanOrEqual(3);
      expect(job.backoff.delayMs, name).toBeGreaterThan(0);
      expect(job.backoff.jitter, name).toBeGreaterThan(0);
      expect(job.description.length, name).toBeGreaterThan(10);
    }
  });

  it('types each handler by its own payload and refuses a map with a job missing, extra or mistyped', () => {
    expectTypeOf<JobPayload<'invoice.run'>['period']>().toEqualTypeOf<
      'just-ended' | { firstDate: string; lastDate: string }
    >();
    // @ts-expect-error a job without its handler
    const missing = { ...complete, sweep: undefined } satisfies JobHandlers;
    const extra = {
      ...complete,
      // @ts-expect-error a handler for a job the catalog does not have
      'event.unknown': noop,
    } satisfies JobHandlers;
    const mistyped = {
      ...complete,
      // @ts-expect-error a handler reading a field its payload does not have
      'schedule.replan': async (payload: { clientId: string }) => payload.clientId,
    } satisfies JobHandlers;
    expect([missing, extra, mistyped].length).toBe(3);
  });

  it('checks at start-up that every job has exactly one handler, naming what is wrong', () => {
    expect(() => assertHandlers(jobCatalog, complete)).not.toThrow();
    const { sweep: _sweep, ...withoutSweep } = complete;
    expect(() => assertHandlers(jobCatalog, withoutSweep as unknown as JobHandlers)).toThrow(
      /no handler for sweep/,
    );
    const withExtra = { ...complete, 'event.unknown': noop } as unknown as JobHandlers;
    expect(() => assertHandlers(jobCatalog, withExtra)).toThrow(
      /handlers for jobs the catalog does not have: event\.unknown/,
    );
    const notAFunction = { ...complete, reconcile: 'run' } as unknown as JobHandlers;
    expect(() => assertHandlers(jobCatalog, notAFunction)).toThrow(/no handler for reconcile/);
  });

  it('reads payloads vendor-neutrally and refuses bad ones', () => {
    const event = jobCatalog['event.task'].schema.parse({
      provider: 'tasks-vendor',
      eventId: 'e-1',
      action: 'changed',
      resourceId: '42',
      scope: 'p-1',
      at: null,
      receivedAt: '2026-11-28T09:00:00.000Z',
    });
    expect(event.deliveryId).toBeNull();
    expect(jobCatalog['event.task'].schema.safeParse({ ...event, action: 'moved' }).success).toBe(false);
    const run = jobCatalog['invoice.run'].schema;
    expect(run.safeParse({ clientId: 'koala-co', period: 'just-ended', trigger: 'schedule' }).success).toBe(
      true,
    );
    expect(
      run.safeParse({
        clientId: 'koala-co',
        period: { firstDate: '2026-12-01', lastDate: '2026-11-01' },
        trigger: 'manual',
      }).success,
    ).toBe(false);
  });
});
