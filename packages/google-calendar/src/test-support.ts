// Shared set-up of this package's tests (not built, not exported): a started fake Google, and the
// connector built from a config pointing at it, as the registry builds it, with the real SDK,
// pipeline, OAuth client and token manager.
import {
  blockEventId,
  type CalendarConfig,
  type ConnectorContext,
  type ConnectorDeps,
  MemoryLock,
  MemoryLogger,
  MemoryTokenStore,
  parseConfig,
  type RetryOptions,
} from '@vahub/core';
import type { BlockInput } from './block-event.js';
import { createGoogleCalendarConnector, type GoogleCalendarInstance } from './connector.js';
import { googleCalendarConnector } from './descriptor.js';
import type { GoogleCalendar } from './google-calendar.js';
import type { GoogleEndpoints, GoogleSecrets } from './settings.js';
import { FakeGoogle, type FakeGoogleOptions, MemoryStateStore } from './testing/index.js';

export async function startFake(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const fake = new FakeGoogle(options);
  await fake.start();
  return fake;
}

/** A config with one client and nothing of Google's but what the environment gives. */
export const MINIMAL_CONFIG = `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
clients:
  - id: koala-co
    name: Koala Co
    timezone: Australia/Sydney
    billing: { currency: AUD, hourlyRate: "55.00" }
`;

/** Parse a config with this connector alone, as the registry parses it with all of them. */
export function parseGoogleConfig(text: string, env: NodeJS.ProcessEnv) {
  return parseConfig(text, { env, connectors: [googleCalendarConnector] });
}

/** The context the registry's composition root builds for this connector (Google has no client sections). */
export function contextFrom(
  config: ReturnType<typeof parseGoogleConfig>,
  deps: ConnectorDeps,
): ConnectorContext<undefined, undefined> {
  return {
    va: config.va,
    calendar: config.calendar,
    clients: [],
    section: undefined,
    endpoints: config.endpoints.google,
    secrets: config.auth.google ?? {},
    deps,
  };
}

export interface ConnectOptions {
  calendar?: Pick<CalendarConfig, 'id' | 'busyCalendars'>;
  /** The VA's zone. @defaultValue 'Europe/Budapest' */
  timeZone?: string;
  retry?: RetryOptions;
  timeoutMs?: number;
  oauthAttempts?: number;
  /** Endpoints to point elsewhere than the fake (a stalling server, say). */
  endpoints?: Partial<GoogleEndpoints>;
  secrets?: GoogleSecrets;
  /** Store a grant as if the VA had connected. @defaultValue true */
  grant?: boolean;
}

export interface Connected {
  instance: GoogleCalendarInstance;
  calendar: GoogleCalendar;
  store: MemoryTokenStore;
  state: MemoryStateStore;
  logger: MemoryLogger;
  grant: { accessToken: string; refreshToken: string; expiresAt: number };
  /** Every wait the pipeline asked for, instead of sleeping it. */
  sleeps: number[];
}

export async function connect(fake: FakeGoogle, options: ConnectOptions = {}): Promise<Connected> {
  const store = new MemoryTokenStore();
  const grant = fake.issueGrant();
  if (options.grant !== false) await store.set('google', { ...grant });
  const sleeps: number[] = [];
  const state = new MemoryStateStore();
  const logger = new MemoryLogger();
  const config = parseGoogleConfig(MINIMAL_CONFIG, fake.env());
  const context = contextFrom(config, {
    tokens: store,
    lock: new MemoryLock(),
    logger,
    state,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const instance = createGoogleCalendarConnector(
    {
      ...context,
      calendar: { ...context.calendar, ...(options.calendar ?? { id: 'primary', busyCalendars: [] }) },
      va: { ...context.va, timezone: options.timeZone ?? 'Europe/Budapest' },
      endpoints: { ...context.endpoints, ...options.endpoints },
      secrets: options.secrets ?? context.secrets,
    },
    {
      retry: { random: () => 0, ...options.retry },
      timeoutMs: options.timeoutMs,
      oauthAttempts: options.oauthAttempts,
    },
  );
  return { instance, calendar: instance.ports.calendar, store, state, logger, grant, sleeps };
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

/** The connector's OAuth client, configured from the fake's environment. */
export async function oauthFor(fake: FakeGoogle, options: Pick<ConnectOptions, 'secrets'> = {}) {
  return (await connect(fake, { ...options, grant: false })).instance.googleOAuth;
}
