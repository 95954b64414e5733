import { Temporal } from '@vahub/core';
import { describe, expect, it } from 'vitest';
import { queueTests } from '../test-support/queues.js';
import { billingPeriodCron, dailyCron } from './schedules.js';

const { queuesFor } = queueTests();

describe('JobQueues', () => {
  it('fires a job scheduler at a local time in the given zone, and lists and removes it', async () => {
    const queues = queuesFor('schedule');
    const zone = 'Australia/Sydney';
    const { next } = await queues.schedule({
      id: 'invoice-koala',
      name: 'invoice.run',
      input: { clientId: 'koala', period: 'just-ended', trigger: 'schedule' },
      cron: billingPeriodCron({ cycle: 'monthly', at: '00:05' }),
      tz: zone,
    });
    // The next first of a month, 00:05 in Sydney (this month's, in its first five minutes).
    const at = (date: Temporal.PlainDate) =>
      date.toZonedDateTime({ timeZone: zone, plainTime: Temporal.PlainTime.from('00:05') }).epochMilliseconds;
    const thisMonth = Temporal.Now.plainDateISO(zone).with({ day: 1 });
    const expected = at(thisMonth) > Date.now() ? at(thisMonth) : at(thisMonth.add({ months: 1 }));
    expect(next).toBe(expected);
    expect(await queues.schedules('invoice.run')).toEqual([
      { id: 'invoice-koala', cron: '5 0 1 * *', tz: zone, next: expected },
    ]);
    // The same id again replaces, never doubles.
    await queues.schedule({
      id: 'invoice-koala',
      name: 'invoice.run',
      input: { clientId: 'koala', period: 'just-ended', trigger: 'schedule' },
      cron: billingPeriodCron({ cycle: 'weekly', weekStartsOn: 'mon' }),
      tz: zone,
    });
    expect((await queues.schedules('invoice.run')).map((s) => s.cron)).toEqual(['5 0 * * 1']);
    expect(await queues.unschedule('invoice.run', 'invoice-koala')).toBe(true);
    expect(await queues.schedules('invoice.run')).toEqual([]);
  });

  it('refuses an unknown zone or a malformed time, naming it', async () => {
    const queues = queuesFor('schedule-bad');
    const spec = {
      id: 'x',
      name: 'report.weekly' as const,
      input: { week: null },
      cron: dailyCron('07:30'),
    };
    await expect(queues.schedule({ ...spec, tz: 'Mars/Olympus' })).rejects.toThrow(
      /"Mars\/Olympus" is not an IANA time zone/,
    );
    expect(() => dailyCron('7.30')).toThrow(/"7.30" is not a time of day: write it as HH:MM/);
    await expect(queues.schedule({ ...spec, cron: '99 * * * *', tz: 'UTC' })).rejects.toThrow(
      /the schedule "x" \(99 \* \* \* \* in UTC\) was refused/,
    );
  });
});
