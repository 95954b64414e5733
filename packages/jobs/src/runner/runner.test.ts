import { ConfigError, ConnectorError, MemoryLogger, ReconnectRequiredError, silentLogger } from '@vahub/core';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog, type JobContext, type JobHandlers } from '../catalog/catalog.js';
import { listFailedJobs, retryFailedJob } from '../queues/failed.js';
import { JobQueues } from '../queues/queues.js';
import { deleteKeys, serviceRedis, uniqueQueuePrefix } from '../test-support/redis.js';
import { classifyJobError } from './classify.js';
import { startWorkers } from './workers.js';

const catalog = defineCatalog({
  work: {
    schema: z.object({ script: z.array(z.string()), clientId: z.string() }),
    attempts: 3,
    backoff: { delayMs: 20 },
    description: 'a job that fails as its script says, then succeeds',
  },
});

let redis: Redis;
let queues: JobQueues<typeof catalog>;
let events: QueueEvents;
let prefix: string;
const logger = new MemoryLogger();
const contexts: JobContext[] = [];
let stop: () => Promise<void>;

/** Each run takes the next step of its script: an error to throw, or `ok`. */
function failureOf(step: string): Error {
  const provider = 'invoice-vendor';
  switch (step) {
    case 'unavailable':
      return new ConnectorError({ provider, operation: 'createDraft', status: 503, message: 'down' });
    case 'rate-limited':
      return new ConnectorError({
        provider,
        operation: 'createDraft',
        status: 429,
        retryAfterMs: 30,
        message: 'slow down',
      });
    case 'invalid':
      return new ConnectorError({
        provider,
        operation: 'createDraft',
        status: 400,
        message: 'A validation exception occurred',
        details: ["Account code '999' is not a valid code for this document."],
      });
    case 'revoked':
      return new ReconnectRequiredError({ provider, operation: 'refresh' });
    case 'config':
      return new ConfigError([
        { path: 'clients[0].billing.currency', message: 'expected a 3-letter ISO code' },
      ]);
    default:
      return new Error(`bug: ${step}`);
  }
}

const handlers = {
  work: async (payload, context) => {
    contexts.push(context);
    const runs = contexts.filter((c) => c.jobId === context.jobId).length;
    const step = payload.script[runs - 1] ?? 'ok';
    if (step !== 'ok') throw failureOf(step);
    return `done after ${runs} runs`;
  },
} satisfies JobHandlers<typeof catalog>;

beforeAll(async () => {
  redis = serviceRedis();
  prefix = uniqueQueuePrefix('runner');
  queues = new JobQueues({ connection: redis, prefix, catalog });
  events = new QueueEvents('work', { connection: redis.duplicate(), prefix });
  await events.waitUntilReady();
  const running = startWorkers({ connection: redis, queues, handlers, logger, concurrency: { work: 4 } });
  stop = running.close;
});
afterAll(async () => {
  await stop();
  await events.close();
  await queues.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

/** Add a job and wait for it to finish: its result, or the reason it failed for good. */
async function run(script: string[], clientId = 'koala') {
  const { jobId } = await queues.add('work', { script, clientId });
  const job = await queues.queue('work').getJob(jobId);
  if (!job) throw new Error('job vanished');
  try {
    const value = await job.waitUntilFinished(events, 15_000);
    return { ok: true as const, value, job: await queues.queue('work').getJob(jobId) };
  } catch (err) {
    return {
      ok: false as const,
      reason: (err as Error).message,
      job: await queues.queue('work').getJob(jobId),
    };
  }
}

describe('job runner', () => {
  it('retries a transient failure with backoff, spending a try each time', async () => {
    const result = await run(['unavailable', 'unavailable']);
    expect(result).toMatchObject({ ok: true, value: 'done after 3 runs' });
    // BullMQ counts the run that succeeded as a try too.
    expect(result.job?.attemptsMade).toBe(3);
  });

  it('waits out a rate limit without spending a try: four 429s on a job of three tries still succeed', async () => {
    const result = await run(['rate-limited', 'rate-limited', 'rate-limited', 'rate-limited']);
    expect(result).toMatchObject({ ok: true, value: 'done after 5 runs' });
    // Only the run that succeeded counted as a try.
    expect(result.job?.attemptsMade).toBe(1);
    const jobId = result.job?.id;
    expect(contexts.filter((c) => c.jobId === jobId).map((c) => c.attempt)).toEqual([1, 1, 1, 1, 1]);
  });

  it("parks a request that can never succeed at once, with the vendor's reason", async () => {
    const result = await run(['invalid']);
    expect(result.ok).toBe(false);
    expect(result.job?.attemptsMade).toBe(1);
    expect(result.job?.failedReason).toBe(
      "invoice-vendor createDraft failed (HTTP 400): A validation exception occurred (Account code '999' is not a valid code for this document.)",
    );
  });

  it('parks a revoked grant and a config error with what a person must do', async () => {
    const revoked = await run(['revoked']);
    expect(revoked.job?.failedReason).toMatch(/run `vahub connect invoice-vendor`/);
    const config = await run(['config']);
    expect(config.job?.failedReason).toMatch(
      /clients\[0\]\.billing\.currency: expected a 3-letter ISO code\nFix the config file, then retry the job/,
    );
    expect(config.job?.attemptsMade).toBe(1);
  });

  it("fails a job that keeps failing after its tries, and parks one whose payload is not the catalog's", async () => {
    const exhausted = await run(['unavailable', 'unavailable', 'unavailable']);
    expect(exhausted.ok).toBe(false);
    expect(exhausted.job?.attemptsMade).toBe(3);
    // Added past the schema check, as another version of vahub might have.
    const raw = await queues.queue('work').add('work', { script: 'not a list' });
    const bad = await raw.waitUntilFinished(events, 15_000).catch((err: Error) => err.message);
    expect(bad).toMatch(/the work job's payload does not match the catalog \(script: .*\): .*add it again/);
  });

  it('lists failed jobs with their reasons for `vahub status`, and runs one again on request', async () => {
    const parked = await run(['invalid', 'ok'], 'wombat');
    const list = await listFailedJobs(queues);
    const entry = list.find((f) => f.jobId === parked.job?.id);
    expect(entry).toMatchObject({
      queue: 'work',
      kind: 'parked',
      attemptsMade: 1,
      attempts: 3,
      data: { clientId: 'wombat' },
    });
    expect(entry?.reason).toMatch(/Account code '999'/);
    expect(list.some((f) => f.kind === 'out-of-tries')).toBe(true);

    const job = parked.job;
    if (!job) throw new Error('no job');
    await retryFailedJob(queues, { queue: 'work', jobId: String(job.id) });
    expect(await job.waitUntilFinished(events, 15_000)).toBe('done after 2 runs');
    await expect(retryFailedJob(queues, { queue: 'work', jobId: String(job.id) })).rejects.toThrow(
      /has not failed: nothing to retry/,
    );
  });

  it('logs one line per outcome with the job id, a success at debug, never the payload', async () => {
    const result = await run(['unavailable']);
    const lines = logger.lines.filter((l) => l.fields.jobId === result.job?.id);
    expect(lines.map((l) => [l.level, l.fields.outcome])).toEqual([
      ['warn', 'retried'],
      ['debug', 'completed'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('"script"');
  });

  it('refuses to start workers whose handlers do not match the catalog', () => {
    expect(() =>
      startWorkers({ connection: redis, queues, handlers: {} as typeof handlers, logger: silentLogger }),
    ).toThrow(/no handler for work/);
  });
});

describe('classifyJobError', () => {
  const provider = 'v';
  const operation = 'op';
  it('sorts failures into retry, wait and park', () => {
    expect(
      classifyJobError(new ConnectorError({ provider, operation, status: 502, message: 'x' })).kind,
    ).toBe('retry');
    expect(
      classifyJobError(new ConnectorError({ provider, operation, status: 429, message: 'x' })).kind,
    ).toBe('retry');
    expect(
      classifyJobError(
        new ConnectorError({
          provider,
          operation,
          code: 'quota_exhausted',
          retryable: true,
          retryAfterMs: 1500,
          message: 'x',
        }),
      ),
    ).toEqual({ kind: 'wait', delayMs: 1500, reason: 'v op failed: x' });
    expect(
      classifyJobError(new ConnectorError({ provider, operation, status: 404, message: 'x' })).kind,
    ).toBe('park');
    expect(classifyJobError(new TypeError('boom'))).toEqual({ kind: 'retry', reason: 'boom' });
    // Across a process boundary only the name survives.
    expect(classifyJobError({ name: 'ReconnectRequiredError', message: 'run vahub connect' }).kind).toBe(
      'park',
    );
    expect(classifyJobError(Object.assign(new Error('x'), { name: 'ConfigError' })).kind).toBe('park');
  });

  it('bounds a reason a person reads', () => {
    const long = new ConnectorError({ provider, operation, status: 400, message: 'y'.repeat(5000) });
    expect(classifyJobError(long).reason.length).toBeLessThanOrEqual(1000);
  });
});
