import {
  type BusyInterval,
  type CalendarBlock,
  type CalendarConfig,
  type CalendarPort,
  ConnectorError,
  type Lock,
  type RetryOptions,
  type TimeWindow,
  type TokenStore,
  type UpsertOutcome,
  type VahubConfig,
} from '@vahub/core';
import type { BlockInput } from './block-event.js';
import { type BlockContext, deleteBlock, getBlock, listBlocks, upsertBlock } from './blocks.js';
import { queryBusy } from './busy.js';
import { renewChannel, stopChannel, type WatchChannel, type WatchInput, watchEvents } from './channels.js';
import { GoogleOAuth } from './oauth.js';
import { type CalendarChangesPage, syncChanges } from './sync.js';
import { type AccessTokenSource, GoogleTransport } from './transport.js';

export interface GoogleCalendarOptions {
  /** `endpoints.google.api`. */
  apiUrl: string;
  /** Usually a `TokenManager` (see `GoogleOAuth.tokenManager`). */
  tokens: AccessTokenSource;
  /** The VA's calendar (`calendar.id`) and the further calendars that make them busy. */
  calendar: Pick<CalendarConfig, 'id' | 'busyCalendars'>;
  /** The VA's time zone: block times are written in it and all-day dates are read in it. */
  timeZone?: string;
  retry?: RetryOptions;
  timeoutMs?: number;
  now?: () => number;
}

/** The VA's Google Calendar as a `CalendarPort`, plus incremental sync and push channels. */
export class GoogleCalendar implements CalendarPort {
  readonly transport: GoogleTransport;
  private readonly ctx: BlockContext;
  private readonly now: () => number;

  constructor(private readonly options: GoogleCalendarOptions) {
    this.transport = new GoogleTransport({
      apiUrl: options.apiUrl,
      tokens: options.tokens,
      retry: options.retry,
      timeoutMs: options.timeoutMs,
    });
    this.ctx = { transport: this.transport, calendarId: options.calendar.id, timeZone: options.timeZone };
    this.now = options.now ?? Date.now;
  }

  /**
   * What makes the VA busy, apart from vahub's own blocks: the events of `calendar.id` (blocks, free,
   * declined, cancelled and working-location events left out) and the freeBusy of `busyCalendars`,
   * merged into sorted, disjoint intervals.
   */
  busy(window: TimeWindow): Promise<BusyInterval[]> {
    return queryBusy({
      transport: this.transport,
      calendarId: this.options.calendar.id,
      busyCalendars: this.options.calendar.busyCalendars,
      window,
      fallbackZone: this.options.timeZone,
    });
  }

  upsertBlock(block: BlockInput): Promise<UpsertOutcome> {
    return upsertBlock(this.ctx, block);
  }

  deleteBlock(blockId: string): Promise<void> {
    return deleteBlock(this.ctx, blockId);
  }

  listBlocks(window: TimeWindow, options: { clientId?: string } = {}): Promise<CalendarBlock[]> {
    return listBlocks(this.ctx, window, options);
  }

  getBlock(blockId: string): Promise<CalendarBlock | null> {
    return getBlock(this.ctx, blockId);
  }

  syncChanges(cursor: string | null): Promise<CalendarChangesPage> {
    return syncChanges({
      transport: this.transport,
      calendarId: this.options.calendar.id,
      cursor,
      timeZone: this.options.timeZone,
    });
  }

  watch(input: WatchInput): Promise<WatchChannel> {
    return watchEvents({
      transport: this.transport,
      calendarId: this.options.calendar.id,
      watch: input,
      now: this.now,
    });
  }

  renewChannel(channel: WatchChannel, input: Partial<WatchInput> = {}): Promise<WatchChannel> {
    return renewChannel({ transport: this.transport, channel, watch: input, now: this.now });
  }

  stopChannel(channel: Pick<WatchChannel, 'id' | 'resourceId'>): Promise<void> {
    return stopChannel({ transport: this.transport, channel });
  }
}

/**
 * Everything from the config: OAuth client and URLs from `auth.google` and `endpoints.google`, the
 * calendars from `calendar`, the VA's zone; tokens through the injected store and lock (in
 * production the jobs package's Redis ones, encrypted).
 */
export function createGoogleCalendar(input: {
  config: Pick<VahubConfig, 'auth' | 'endpoints' | 'calendar' | 'va'>;
  store: TokenStore;
  lock: Lock;
  /** Store key of the grant. @defaultValue 'google' */
  key?: string;
  retry?: RetryOptions;
}): { calendar: GoogleCalendar; oauth: GoogleOAuth } {
  const google = input.config.auth.google;
  if (!google) {
    throw new ConnectorError({
      provider: 'google',
      operation: 'configure',
      code: 'validation',
      retryable: false,
      message: 'auth.google (clientId, clientSecret) is not configured',
    });
  }
  const oauth = new GoogleOAuth({ ...google, endpoints: input.config.endpoints.google });
  const calendar = new GoogleCalendar({
    apiUrl: input.config.endpoints.google.api,
    tokens: oauth.tokenManager({ store: input.store, lock: input.lock, key: input.key }),
    calendar: input.config.calendar,
    timeZone: input.config.va.timezone,
    retry: input.retry,
  });
  return { calendar, oauth };
}
