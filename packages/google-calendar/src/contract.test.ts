import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import {
  checkRequest,
  checkResponse,
  findMethod,
  loadCalendarDiscovery,
} from './testing/discovery-contract.js';
import type { FakeGoogle } from './testing/index.js';

const doc = loadCalendarDiscovery();

describe('requests and answers against the Calendar discovery document', () => {
  let fake: FakeGoogle;
  let va: Connected;
  beforeAll(async () => {
    fake = await startFake();
    fake.addCalendar('family@group.calendar.google.com', { timeZone: 'Australia/Sydney' });
    va = await connect(fake, {
      calendar: { id: 'primary', busyCalendars: ['family@group.calendar.google.com'] },
    });
    const day = { start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' };
    fake.seedEvent('primary', {
      summary: 'Client call',
      start: { dateTime: '2026-11-30T08:00:00Z' },
      end: { dateTime: '2026-11-30T09:00:00Z' },
      attendees: [{ email: 'va@example.com', responseStatus: 'accepted' }],
    });
    // Every kind of request vahub makes: insert, insert→409→get→patch, delete, lists, sync, freeBusy, channels.
    const block = makeBlock({
      start: '2026-11-30T09:00:00Z',
      end: '2026-11-30T10:00:00Z',
      description: 'Task: x',
      colorId: '3',
    });
    await va.calendar.upsertBlock(block);
    await va.calendar.upsertBlock({ ...block, end: '2026-11-30T10:30:00Z' });
    await va.calendar.listBlocks(day, { clientId: 'koala-co' });
    await va.calendar.getBlock(block.id);
    const sync = await va.calendar.syncChanges(null);
    await va.calendar.syncChanges(sync.cursor);
    await va.calendar.busy(day);
    const channel = await va.calendar.watch({ address: 'http://127.0.0.1:9/google', ttlMs: 3_600_000 });
    await va.calendar.stopChannel(channel);
    await va.calendar.deleteBlock(block.id);
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('covers every method vahub uses', () => {
    const used = new Set(fake.apiRequests().map((r) => findMethod(doc, r)?.method.id));
    expect([...used].sort()).toEqual([
      'calendar.channels.stop',
      'calendar.events.delete',
      'calendar.events.get',
      'calendar.events.insert',
      'calendar.events.list',
      'calendar.events.patch',
      'calendar.events.watch',
      'calendar.freebusy.query',
    ]);
  });

  it("the connector's paths, parameters and body fields are all known to the document", () => {
    const problems = fake.apiRequests().flatMap((r) => checkRequest(doc, r));
    expect(problems).toEqual([]);
    // busy() reads the own calendar with a partial response: its selection is checked too.
    const busyRead = fake.apiRequests('GET', /\/events$/).filter((r) => r.query.singleEvents === 'true');
    expect(busyRead.map((r) => r.query.fields)).toContainEqual(expect.stringContaining('items('));
  });

  it("the fake's answers hold only fields the document's response schemas know", () => {
    const problems = fake.apiRequests().flatMap((r) => checkResponse(doc, r));
    expect(problems).toEqual([]);
    expect(fake.apiRequests().filter((r) => r.status < 300).length).toBeGreaterThanOrEqual(10);
  });

  it('the checks do catch what the document does not allow', () => {
    const base = fake.apiRequests('POST', /\/events$/)[0];
    if (!base) throw new Error('no insert was logged');
    const wrong = {
      ...base,
      url: `${base.path}?sendUpdates=nobody&sendUpdates=none&colour=3`,
      json: {
        ...(base.json as object),
        title: 'x',
        reminders: { useDefault: 'no' },
        extendedProperties: { private: { a: 1 } },
      },
      body: '{}',
    };
    expect(checkRequest(doc, wrong).sort()).toEqual(
      [
        'calendar.events.insert: unknown query parameter colour',
        'calendar.events.insert: sendUpdates may not repeat',
        'calendar.events.insert ?sendUpdates: "nobody" is not one of all|externalOnly|none',
        'calendar.events.insert body.reminders.useDefault: expected a boolean',
        'calendar.events.insert body.extendedProperties.private.a: expected a string',
        'calendar.events.insert body.title: not a property of Event',
      ].sort(),
    );
    expect(checkRequest(doc, { ...base, method: 'PUT', path: '/calendar/v3/nowhere' })).toEqual([
      'PUT /calendar/v3/nowhere: no such method in the discovery document',
    ]);
    const list = fake.apiRequests('GET', /\/events$/).find((r) => r.query.fields !== undefined);
    if (!list) throw new Error('no events.list with fields was logged');
    const fields = (mask: string) =>
      checkRequest(doc, { ...list, url: `${list.path}?fields=${encodeURIComponent(mask)}` });
    expect(fields('items(summary,title,attendees(self,rsvp),extendedProperties/private/x),colour')).toEqual([
      'calendar.events.list ?fields: items/title is not a field of Event',
      'calendar.events.list ?fields: items/attendees/rsvp is not a field of EventAttendee',
      'calendar.events.list ?fields: colour is not a field of Events',
    ]);
    expect(fields('items(summary')).toEqual(['calendar.events.list ?fields: "items(summary" does not parse']);
  });
});
