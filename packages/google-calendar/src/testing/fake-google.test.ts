import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGoogle } from './fake-google.js';

let fake: FakeGoogle;
let token: string;
beforeEach(async () => {
  fake = new FakeGoogle({ timeZone: 'Europe/Budapest' });
  await fake.start();
  token = fake.issueGrant().accessToken;
});
afterEach(async () => {
  await fake.stop();
});

async function api(method: string, path: string, body?: unknown, bearer: string | null = token) {
  const res = await fetch(`${fake.url}/calendar/v3${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  return { status: res.status, json, reason: json?.error?.errors?.[0]?.reason as string | undefined };
}

const timed = (id?: string) => ({
  ...(id === undefined ? {} : { id }),
  summary: 'x',
  start: { dateTime: '2026-11-30T09:00:00Z' },
  end: { dateTime: '2026-11-30T10:00:00Z' },
});

describe('fake Google: events', () => {
  it("applies Google's id rules: base32hex, 5 to 1024 characters, unique per calendar", async () => {
    for (const bad of ['abcd', 'ABCDE', 'abcdw', 'abc-def', 'a'.repeat(1025), 'ünïcode']) {
      expect((await api('POST', '/calendars/primary/events', timed(bad))).status).toBe(400);
    }
    expect((await api('POST', '/calendars/primary/events', timed('abcde'))).status).toBe(200);
    expect((await api('POST', '/calendars/primary/events', timed('v'.repeat(1024)))).status).toBe(200);
    const twin = await api('POST', '/calendars/primary/events', timed('abcde'));
    expect([twin.status, twin.reason]).toEqual([409, 'duplicate']);
    const generated = await api('POST', '/calendars/primary/events', timed());
    expect(generated.json.id).toMatch(/^[a-v0-9]{5,1024}$/);
  });

  it('answers in the zone of the event, or of the calendar, and reads all-day dates there', async () => {
    const zoned = await api('POST', '/calendars/primary/events', {
      summary: 'Sydney call',
      start: { dateTime: '2026-12-01T09:00:00', timeZone: 'Australia/Sydney' },
      end: { dateTime: '2026-12-01T10:00:00', timeZone: 'Australia/Sydney' },
    });
    expect(zoned.json.start).toEqual({ dateTime: '2026-12-01T09:00:00+11:00', timeZone: 'Australia/Sydney' });
    const plain = await api('POST', '/calendars/primary/events', timed());
    expect(plain.json.start).toEqual({ dateTime: '2026-11-30T10:00:00+01:00' });
    const floating = await api('POST', '/calendars/primary/events', {
      start: { dateTime: '2026-11-30T09:00:00' },
      end: { dateTime: '2026-11-30T10:00:00' },
    });
    expect([floating.status, floating.json.error.message]).toEqual([
      400,
      'Missing time zone definition for start time.',
    ]);
    const allDay = fake.seedEvent('primary', { start: { date: '2026-11-30' }, end: { date: '2026-12-01' } });
    const stored = fake.events().find((e) => e.json.id === allDay.id);
    expect(stored?.startMs).toBe(Date.parse('2026-11-29T23:00:00Z'));
    const mixed = await api('POST', '/calendars/primary/events', {
      start: { date: '2026-11-30' },
      end: { dateTime: '2026-11-30T10:00:00Z' },
    });
    expect(mixed.status).toBe(400);
    const empty = await api('POST', '/calendars/primary/events', {
      start: { date: '2026-11-30' },
      end: { date: '2026-11-30' },
    });
    expect(empty.reason).toBe('timeRangeEmpty');
  });

  it('patches with merge semantics, refuses reminders that are both default and overridden, refuses unknown fields', async () => {
    const created = await api('POST', '/calendars/primary/events', {
      ...timed('abcdef'),
      extendedProperties: { private: { a: '1', b: '2' } },
    });
    expect(created.status).toBe(200);
    const patched = await api('PATCH', '/calendars/primary/events/abcdef', {
      extendedProperties: { private: { b: '3' } },
    });
    expect(patched.json.extendedProperties.private).toEqual({ a: '1', b: '3' });
    expect(patched.json.summary).toBe('x');
    const clash = await api('PATCH', '/calendars/primary/events/abcdef', {
      reminders: { useDefault: true, overrides: [{ method: 'popup', minutes: 5 }] },
    });
    expect(clash.reason).toBe('cannotUseDefaultRemindersAndSpecifyOverride');
    expect((await api('PATCH', '/calendars/primary/events/abcdef', { title: 'y' })).status).toBe(400);
  });

  it('lists by private extended property, time window and deletion, with the sync-token rules', async () => {
    fake.seedEvent('primary', {
      ...timed('aaaaa'),
      extendedProperties: { private: { vahubBlock: '1', vahubClient: 'k' } },
    });
    fake.seedEvent('primary', {
      ...timed('bbbbb'),
      extendedProperties: { private: { vahubBlock: '1', vahubClient: 'w' } },
    });
    fake.seedEvent('primary', timed('ccccc'));
    fake.deleteEvent('primary', 'bbbbb');
    const both = await api(
      'GET',
      '/calendars/primary/events?privateExtendedProperty=vahubBlock%3D1&showDeleted=true',
    );
    expect(both.json.items.map((e: { id: string }) => e.id)).toEqual(['aaaaa', 'bbbbb']);
    const live = await api(
      'GET',
      '/calendars/primary/events?privateExtendedProperty=vahubBlock%3D1&privateExtendedProperty=vahubClient%3Dk',
    );
    expect(live.json.items.map((e: { id: string }) => e.id)).toEqual(['aaaaa']);
    const later = await api('GET', '/calendars/primary/events?timeMin=2026-11-30T10:00:00Z');
    expect(later.json.items).toEqual([]);
    const sync = encodeURIComponent(both.json.nextSyncToken);
    expect(
      (await api('GET', `/calendars/primary/events?syncToken=${sync}&timeMin=2026-11-30T00:00:00Z`)).status,
    ).toBe(400);
    expect((await api('GET', '/calendars/primary/events?orderBy=startTime')).status).toBe(400);
    fake.expireSyncTokens();
    const gone = await api('GET', `/calendars/primary/events?syncToken=${sync}`);
    expect([gone.status, gone.reason]).toEqual([410, 'fullSyncRequired']);
  });

  it('answers only the selected fields (partial response) and refuses fields an answer cannot have', async () => {
    fake.seedEvent('primary', {
      ...timed('aaaaa'),
      attendees: [{ email: 'va@example.com', responseStatus: 'declined' }, { email: 'b@x.example' }],
    });
    const mask = encodeURIComponent('timeZone,items(id,attendees(self,responseStatus),start/dateTime)');
    const partial = await api('GET', `/calendars/primary/events?fields=${mask}`);
    expect(partial.json).toEqual({
      timeZone: 'Europe/Budapest',
      items: [
        {
          id: 'aaaaa',
          attendees: [{ self: true, responseStatus: 'declined' }, { responseStatus: 'needsAction' }],
          start: { dateTime: '2026-11-30T10:00:00+01:00' },
        },
      ],
    });
    const one = await api('GET', `/calendars/primary/events/aaaaa?fields=summary`);
    expect(one.json).toEqual({ summary: 'x' });
    for (const bad of ['items(title)', 'colour', 'items(id', 'items)', 'a b']) {
      const refused = await api('GET', `/calendars/primary/events?fields=${encodeURIComponent(bad)}`);
      expect([bad, refused.status, refused.reason]).toEqual([bad, 400, 'invalidParameter']);
    }
  });

  it('keeps event types: filters lists by them, refuses types that cannot be created or changed', async () => {
    fake.seedEvent('primary', timed('aaaaa'));
    fake.seedEvent('primary', {
      ...timed('bbbbb'),
      eventType: 'outOfOffice',
      outOfOfficeProperties: { autoDeclineMode: 'declineNone' },
    });
    fake.seedEvent('primary', { ...timed('ccccc'), eventType: 'workingLocation' });
    expect(fake.event('primary', 'aaaaa')?.eventType).toBe('default');
    const types = await api(
      'GET',
      '/calendars/primary/events?eventTypes=outOfOffice&eventTypes=workingLocation',
    );
    expect(types.json.items.map((e: { id: string; eventType: string }) => [e.id, e.eventType])).toEqual([
      ['bbbbb', 'outOfOffice'],
      ['ccccc', 'workingLocation'],
    ]);
    expect((await api('GET', '/calendars/primary/events?eventTypes=meeting')).status).toBe(400);
    expect(
      (await api('POST', '/calendars/primary/events', { ...timed(), eventType: 'fromGmail' })).status,
    ).toBe(400);
    expect((await api('POST', '/calendars/primary/events', { ...timed(), eventType: 'party' })).status).toBe(
      400,
    );
    expect((await api('PATCH', '/calendars/primary/events/aaaaa', { eventType: 'focusTime' })).status).toBe(
      400,
    );
    expect((await api('PATCH', '/calendars/primary/events/bbbbb', { eventType: 'outOfOffice' })).status).toBe(
      200,
    );
  });

  it('answers pages no longer than its cap, whatever maxResults asks', async () => {
    fake.store.maxPageSize = 2;
    for (const id of ['aaaaa', 'bbbbb', 'ccccc']) fake.seedEvent('primary', timed(id));
    const first = await api('GET', '/calendars/primary/events?maxResults=2500');
    expect(first.json.items).toHaveLength(2);
    const token = encodeURIComponent(first.json.nextPageToken);
    const second = await api('GET', `/calendars/primary/events?maxResults=2500&pageToken=${token}`);
    expect(second.json.items.map((e: { id: string }) => e.id)).toEqual(['ccccc']);
    expect(second.json.nextSyncToken).toEqual(expect.any(String));
  });

  it('wants a valid bearer token with a calendar scope', async () => {
    expect((await api('GET', '/calendars/primary/events', undefined, null)).status).toBe(401);
    expect((await api('GET', '/calendars/primary/events', undefined, 'ya29.forged')).status).toBe(401);
    const narrow = fake.issueGrant('https://www.googleapis.com/auth/calendar.freebusy').accessToken;
    const denied = await api('GET', '/calendars/primary/events', undefined, narrow);
    expect([denied.status, denied.reason]).toEqual([403, 'insufficientPermissions']);
    fake.revokeGrant();
    expect((await api('GET', '/calendars/primary/events')).status).toBe(401);
  });
});

describe('fake Google: channels and limits', () => {
  it('refuses channel ids over 64 characters and twins; stop needs the right resource', async () => {
    const long = await api('POST', '/calendars/primary/events/watch', {
      id: 'x'.repeat(65),
      type: 'web_hook',
      address: 'http://127.0.0.1:9/',
    });
    expect(long.status).toBe(400);
    const open = await api('POST', '/calendars/primary/events/watch', {
      id: 'chan-1',
      type: 'web_hook',
      address: 'http://127.0.0.1:9/',
    });
    expect(open.json).toMatchObject({
      kind: 'api#channel',
      id: 'chan-1',
      resourceId: expect.any(String),
      expiration: expect.stringMatching(/^\d+$/),
    });
    const twin = await api('POST', '/calendars/primary/events/watch', {
      id: 'chan-1',
      type: 'web_hook',
      address: 'http://127.0.0.1:9/',
    });
    expect(twin.reason).toBe('channelIdNotUnique');
    expect((await api('POST', '/channels/stop', { id: 'chan-1', resourceId: 'other' })).status).toBe(404);
    expect(
      (await api('POST', '/channels/stop', { id: 'chan-1', resourceId: open.json.resourceId })).status,
    ).toBe(204);
    expect(
      (await api('POST', '/channels/stop', { id: 'chan-1', resourceId: open.json.resourceId })).status,
    ).toBe(404);
  });

  it('answers rate limits as Google does, for the API only', async () => {
    fake.rateLimit({ status: 403, reason: 'userRateLimitExceeded', times: 1 });
    const limited = await api('GET', '/calendars/primary/events');
    expect(limited.json.error).toMatchObject({
      code: 403,
      errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }],
    });
    expect((await api('GET', '/calendars/primary/events')).status).toBe(200);
  });
});
