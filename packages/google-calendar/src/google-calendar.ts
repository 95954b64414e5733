import type {
  BusyInterval,
  CalendarBlock,
  CalendarConfig,
  CalendarPort,
  TimeWindow,
  UpsertOutcome,
} from '@vahub/core';
import type { BlockInput } from './block-event.js';
import { type BlockContext, deleteBlock, getBlock, listBlocks, upsertBlock } from './blocks.js';
import { queryBusy } from './busy.js';
import type { ChannelStore } from './channel-store.js';
import {
  channelNeedsRenewal,
  stopChannel,
  type WatchChannel,
  type WatchInput,
  watchEvents,
} from './channels.js';
import type { GoogleApi } from './google-api.js';
import { type CalendarChangesPage, syncChanges } from './sync.js';

export interface GoogleCalendarOptions {
  api: GoogleApi;
  /** The VA's calendar (`calendar.id`) and the further calendars that make them busy. */
  calendar: Pick<CalendarConfig, 'id' | 'busyCalendars'>;
  /** The VA's time zone: block times are written in it and all-day dates are read in it. */
  timeZone?: string;
  /** Where open push channels are kept for the webhook receiver; without it channels are the caller's to keep. */
  channels?: ChannelStore;
  now?: () => number;
}

/** The VA's Google Calendar as a `CalendarPort`, plus incremental sync and push channels. */
export class GoogleCalendar implements CalendarPort {
  private readonly api: GoogleApi;
  private readonly ctx: BlockContext;
  private readonly now: () => number;

  constructor(private readonly options: GoogleCalendarOptions) {
    this.api = options.api;
    this.ctx = { api: options.api, calendarId: options.calendar.id, timeZone: options.timeZone };
    this.now = options.now ?? Date.now;
  }

  /**
   * What makes the VA busy, apart from vahub's own blocks: the events of `calendar.id` (blocks, free,
   * declined, cancelled and working-location events left out) and the freeBusy of `busyCalendars`,
   * merged into sorted, disjoint intervals.
   */
  busy(window: TimeWindow): Promise<BusyInterval[]> {
    return queryBusy({
      api: this.api,
      calendarId: this.options.calendar.id,
      busyCalendars: this.options.calendar.busyCalendars,
      window,
      fallbackZone: this.options.timeZone,
    });
  }

  upsertBlock(block: BlockInput, options: { known?: boolean } = {}): Promise<UpsertOutcome> {
    return upsertBlock(this.ctx, block, options);
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
      api: this.api,
      calendarId: this.options.calendar.id,
      cursor,
      timeZone: this.options.timeZone,
    });
  }

  /** Open a push channel on the VA's calendar and keep it (with its token) for the webhook receiver. */
  async watch(input: WatchInput): Promise<WatchChannel> {
    const channel = await watchEvents({
      api: this.api,
      calendarId: this.options.calendar.id,
      watch: input,
      now: this.now,
    });
    await this.keep(channel);
    return channel;
  }

  /**
   * Replace a channel: open the new one first, then stop the old, so no change falls in a gap. The
   * token carries over unless a new one is given, so notifications of both verify during the overlap.
   */
  async renewChannel(channel: WatchChannel, input: Partial<WatchInput> = {}): Promise<WatchChannel> {
    const next = await watchEvents({
      api: this.api,
      calendarId: channel.calendarId,
      now: this.now,
      watch: {
        address: input.address ?? channel.address,
        token: input.token ?? channel.token,
        ...(input.ttlMs ? { ttlMs: input.ttlMs } : {}),
      },
    });
    await this.keep(next);
    await this.stopChannel(channel);
    return next;
  }

  /** Stop a channel and forget it; one Google no longer knows is not an error. */
  async stopChannel(channel: Pick<WatchChannel, 'id' | 'resourceId'>): Promise<void> {
    await stopChannel({ api: this.api, channel });
    await this.options.channels?.delete(channel.id);
  }

  /** The channels kept for the receiver, soonest to expire first (none without a channel store). */
  channels(): Promise<WatchChannel[]> {
    return this.options.channels?.list() ?? Promise.resolve([]);
  }

  /** Renew every kept channel that expires within `marginMs`; returns the new channels. */
  async renewDueChannels(marginMs?: number): Promise<WatchChannel[]> {
    const due = (await this.channels()).filter((c) => channelNeedsRenewal(c, this.now(), marginMs));
    const renewed: WatchChannel[] = [];
    for (const channel of due) renewed.push(await this.renewChannel(channel));
    return renewed;
  }

  /** A channel Google opened but the receiver cannot find would be refused: stop it if it cannot be kept. */
  private async keep(channel: WatchChannel): Promise<void> {
    try {
      await this.options.channels?.save(channel);
    } catch (err) {
      await stopChannel({ api: this.api, channel }).catch(() => undefined);
      throw err;
    }
  }
}
