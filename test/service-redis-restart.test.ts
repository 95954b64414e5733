// Redis killed (SIGKILL) and restarted during a run: a private redis-server with an append-only file
// (fsync always, so what Redis acknowledged survives), the receiver and two workers as processes,
// task webhooks, an invoice run whose Xero token must be refreshed, all in flight at the kill.
// Afterwards: every task has exactly its estimate in blocks (no duplicate event), one draft per
// client and period, nothing lost (the sweep catches what was delivered while Redis was down), the
// rotated Xero refresh token kept (a later refresh works), and no second set of webhooks.

import { periodContaining } from '@vahub/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KOALA_CONTACT,
  KOALA_PROJECT,
  TENANT,
  THAMES_CONTACT,
  THAMES_PROJECT,
} from './support/flows-world.js';
import { blocksOf, endOf, type ServiceWorld, startOf, startServiceWorld } from './support/service-world.js';

const DAY = 86_400_000;
const SYDNEY = 'Australia/Sydney';
let w: ServiceWorld;

beforeAll(async () => {
  w = await startServiceWorld({ workers: 2, publicUrl: true, appendonly: true });
  const registered = await w.waitFinished('channels.renew', () => true, { timeoutMs: 30_000 });
  expect(registered.outcome).toBe('completed');
  const seq = w.lastSeq();
  await w.queues.add('reconcile', { clientId: null });
  expect((await w.waitFinished('reconcile', () => true, { afterSeq: seq })).outcome).toBe('completed');
}, 150_000);
afterAll(async () => {
  await w?.stop();
}, 30_000);

const minutesOf = (taskId: string) =>
  blocksOf(w.google, taskId).reduce((sum, b) => sum + (endOf(b) - startOf(b)) / 60_000, 0);
const draftsOf = (contactId: string) =>
  w.xero.invoices(TENANT).filter((i) => (i.Contact as { ContactID: string }).ContactID === contactId);

/** Make the stored Xero access token stale, so the next Xero call refreshes (and Xero rotates the refresh token). */
async function expireXeroAccessToken() {
  const grant = await w.tokens.get('xero');
  if (!grant) throw new Error('the Xero grant is in Redis');
  await w.tokens.set('xero', { ...grant, expiresAt: Date.now() - 1 });
}

function newTask(name: string, project: string, minutes: number) {
  const task = w.asana.createTask({
    name,
    projects: [project],
    assignee: w.vaGid,
    dueOn: new Date(Date.now() + 6 * DAY).toISOString().slice(0, 10),
    customFields: { [w.estimateGid]: minutes },
  });
  return { taskId: task.gid, clientId: project === KOALA_PROJECT ? 'koala-co' : 'thames-studio', minutes };
}

describe('Redis killed and restarted during a run', () => {
  it('no duplicate event or draft, nothing lost, no token lost', async () => {
    const current = periodContaining('month', Date.now(), SYDNEY);
    const lastMonth = current.start - 10 * DAY;
    for (const [offset, project] of [
      [0, 190001],
      [DAY, 190001],
      [DAY, 190101],
    ] as const) {
      w.toggl.addEntry({
        workspace_id: 4242,
        project_id: project,
        description: 'before the crash',
        start: lastMonth + offset,
        stop: lastMonth + offset + 90 * 60_000,
        billable: true,
      });
    }
    const hooksBefore = [...w.asana.webhooks.keys()].sort();
    const originalRefresh = (await w.tokens.get('xero'))?.refreshToken;
    await expireXeroAccessToken();
    const seq = w.lastSeq();
    const tasks: ReturnType<typeof newTask>[] = [];
    for (let i = 0; i < 6; i++)
      tasks.push(newTask(`before ${i}`, i % 2 ? THAMES_PROJECT : KOALA_PROJECT, 30));
    const run = { clientId: 'koala-co', period: 'just-ended' as const, trigger: 'schedule' as const };
    const invoiceQueue = w.queues.queue('invoice.run');
    const firstRun = await invoiceQueue.add('invoice.run', run, { timestamp: current.start + 5 * 60_000 });
    await w.waitActive('invoice.run', firstRun.id ?? '');

    await w.redisServer.kill();
    // While Redis is down: more tasks (their webhooks cannot be enqueued) and a second run of the period.
    for (let i = 0; i < 4; i++) tasks.push(newTask(`during ${i}`, KOALA_PROJECT, 45));
    await w.redisServer.start();

    const secondRun = await invoiceQueue.add('invoice.run', run, { timestamp: current.start + 5 * 60_000 });
    for (const id of [firstRun.id, secondRun.id]) {
      const done = await w.waitFinished('invoice.run', (f) => f.jobId === id && f.outcome === 'completed', {
        afterSeq: seq,
        timeoutMs: 150_000,
      });
      expect(done.outcome).toBe('completed');
    }
    expect(draftsOf(KOALA_CONTACT)).toHaveLength(1);

    // What webhooks missed while Redis was down, the sweep finds; then one replan over the whole mirror.
    const sweepSeq = w.lastSeq();
    await w.queues.add('sweep', { provider: 'asana', subject: 'task', clientId: null });
    const sweep = await w.waitFinished('sweep', (f) => f.value?.subject === 'task', {
      afterSeq: sweepSeq,
      timeoutMs: 60_000,
    });
    expect(sweep.outcome).toBe('completed');
    const { jobId } = await w.queues.add('schedule.replan', { reason: 'after the crash' });
    const replan = await w.waitFinished('schedule.replan', (f) => f.jobId === jobId, { timeoutMs: 60_000 });
    expect(replan.outcome).toBe('completed');
    for (const { taskId, clientId, minutes } of tasks) {
      expect(await w.taskMirror.get(clientId, taskId)).not.toBeNull();
      expect(minutesOf(taskId)).toBe(minutes);
    }
    const ids = blocksOf(w.google).map((b) => b.json.id);
    expect(new Set(ids).size).toBe(ids.length);

    // The refresh token Xero rotated around the crash was kept: another refresh works.
    const rotated = (await w.tokens.get('xero'))?.refreshToken;
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(originalRefresh);
    await expireXeroAccessToken();
    const thamesSeq = w.lastSeq();
    await invoiceQueue.add(
      'invoice.run',
      { clientId: 'thames-studio', period: 'just-ended', trigger: 'schedule' },
      { timestamp: periodContaining('month', Date.now(), 'Europe/London').start + 5 * 60_000 },
    );
    const thames = await w.waitFinished('invoice.run', (f) => f.value?.clientId === 'thames-studio', {
      afterSeq: thamesSeq,
      timeoutMs: 60_000,
    });
    expect(thames.outcome).toBe('completed');
    expect((await w.tokens.get('xero'))?.expiresAt).toBeGreaterThan(Date.now());
    expect((await w.tokens.get('xero'))?.refreshToken).not.toBe(rotated);
    expect(draftsOf(THAMES_CONTACT)).toHaveLength(1);

    // The webhook registrations survived with their secrets: a renewal keeps them all.
    const renewSeq = w.lastSeq();
    await w.queues.add('channels.renew', { provider: 'all' });
    const renewal = await w.waitFinished('channels.renew', () => true, { afterSeq: renewSeq });
    expect(renewal.outcome).toBe('completed');
    expect([...w.asana.webhooks.keys()].sort()).toEqual(hooksBefore);
  }, 300_000);
});
