// Shared set-up of this package's tests (not built, not exported): a started fake Google and a
// GoogleCalendar connected to it through the real OAuth client, token manager and SDK.
import { blockEventId, MemoryLock, MemoryTokenStore, type TokenManager } from '@vahub/core';
import type { BlockInput } from './block-event.js';
import { GoogleCalendar, type GoogleCalendarOptions } from './google-calendar.js';
import { GoogleOAuth } from './oauth.js';
import { FakeGoogle, type FakeGoogleOptions } from './testing/index.js';

export async function startFake(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const fake = new FakeGoogle(options);
  await fake.start();
  return fake;
}

export function oauthFor(fake: FakeGoogle): GoogleOAuth {
  return new GoogleOAuth({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    endpoints: fake.endpoints(),
  });
}

export interface Connected {
  calendar: GoogleCalendar;
  store: MemoryTokenStore;
  tokens: TokenManager;
  grant: { accessToken: string; refreshToken: string; expiresAt: number };
  /** Every wait the transport asked for, instead of sleeping it. */
  sleeps: number[];
}

export async function connect(
  fake: FakeGoogle,
  options: Partial<Omit<GoogleCalendarOptions, 'apiUrl' | 'tokens'>> = {},
): Promise<Connected> {
  const store = new MemoryTokenStore();
  const grant = fake.issueGrant();
  await store.set('google', {
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    expiresAt: grant.expiresAt,
  });
  const tokens = oauthFor(fake).tokenManager({ store, lock: new MemoryLock() });
  const sleeps: number[] = [];
  const calendar = new GoogleCalendar({
    apiUrl: fake.endpoints().api,
    tokens,
    calendar: { id: 'primary', busyCalendars: [] },
    timeZone: 'Europe/Budapest',
    ...options,
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0,
      ...options.retry,
    },
  });
  return { calendar, store, tokens, grant, sleeps };
}

export function makeBlock(input: {
  clientId?: string;
  taskId?: string;
  chunk?: number;
  start: string;
  end: string;
  title?: string;
  description?: string;
  colorId?: string;
}): BlockInput {
  const clientId = input.clientId ?? 'koala-co';
  const taskId = input.taskId ?? '1207000000000101';
  const chunk = input.chunk ?? 0;
  return {
    id: blockEventId(clientId, taskId, chunk),
    clientId,
    taskId,
    chunk,
    start: input.start,
    end: input.end,
    title: input.title ?? '[Koala Co] Draft the newsletter',
    movedByVa: false,
    ...(input.description === undefined ? {} : { description: input.description }),
    ...(input.colorId === undefined ? {} : { colorId: input.colorId }),
  };
}
