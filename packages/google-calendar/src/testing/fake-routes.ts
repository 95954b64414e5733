import type { FakeRequest, FakeResponse, FakeServer } from '@vahub/testkit';
import type { FakeCalendarStore } from './fake-calendar-store.js';
import type { FakeChannels } from './fake-channels.js';
import { listEvents } from './fake-event-list.js';
import { freeBusy } from './fake-freebusy.js';
import { type FakeOAuth, requireScope, SCOPES_FOR } from './fake-oauth.js';
import { parseFields, selectFields } from './fake-partial-response.js';
import { badRequest, guarded } from './google-errors.js';

const BASE = '/calendar/v3';

/** Every Calendar API path: what the fake's bearer-token guard covers. */
export const API_PATHS = /^\/calendar\/v3\//;
const SEND_UPDATES = ['all', 'externalOnly', 'none'];

function checkSendUpdates(req: FakeRequest): void {
  const value = req.query.get('sendUpdates');
  if (value !== null && !SEND_UPDATES.includes(value)) {
    throw badRequest(`Invalid value for: sendUpdates: ${value}`, 'invalidParameter', 'sendUpdates');
  }
}

function requireJson(req: FakeRequest): void {
  if (req.rawBody.length > 0 && req.json === undefined) throw badRequest('Parse Error', 'parseError');
}

/** The Calendar API routes the fake serves, each behind a scope check (the bearer token is checked by the guard). */
export function registerCalendarRoutes(
  server: FakeServer,
  parts: { store: FakeCalendarStore; channels: FakeChannels; oauth: FakeOAuth },
): void {
  const { store, channels, oauth } = parts;
  const route = (
    method: string,
    path: string,
    scopes: readonly string[],
    handler: (req: FakeRequest) => FakeResponse,
  ) =>
    server.route(method, `${BASE}${path}`, (req) =>
      guarded(() => {
        requireScope(oauth, req, scopes);
        requireJson(req);
        // `fields` (partial response) applies to every method's answer; a malformed one is a 400.
        const mask = req.query.get('fields');
        const selection = mask === null ? null : parseFields(mask);
        const response = handler(req);
        if (selection === null || response.status >= 300 || response.json === undefined) return response;
        return { ...response, json: selectFields(response.json, selection) };
      }),
    );
  const calendar = (req: FakeRequest) => req.params.calendarId ?? '';
  const eventId = (req: FakeRequest) => req.params.eventId ?? '';

  route('POST', '/calendars/:calendarId/events/watch', SCOPES_FOR.readEvents, (req) => {
    return { status: 200, json: channels.open(store.resolve(calendar(req)).id, req.json) };
  });
  route('POST', '/calendars/:calendarId/events', SCOPES_FOR.writeEvents, (req) => {
    checkSendUpdates(req);
    return { status: 200, json: store.insert(calendar(req), req.json) };
  });
  route('GET', '/calendars/:calendarId/events', SCOPES_FOR.readEvents, (req) => ({
    status: 200,
    json: listEvents(store, calendar(req), req.path + (req.query.size > 0 ? `?${req.query.toString()}` : '')),
  }));
  route('GET', '/calendars/:calendarId/events/:eventId', SCOPES_FOR.readEvents, (req) => ({
    status: 200,
    json: store.get(calendar(req), eventId(req)),
  }));
  route('PATCH', '/calendars/:calendarId/events/:eventId', SCOPES_FOR.writeEvents, (req) => {
    checkSendUpdates(req);
    return { status: 200, json: store.patch(calendar(req), eventId(req), req.json) };
  });
  route('DELETE', '/calendars/:calendarId/events/:eventId', SCOPES_FOR.writeEvents, (req) => {
    checkSendUpdates(req);
    store.remove(calendar(req), eventId(req));
    return { status: 204, body: '' };
  });
  route('POST', '/freeBusy', SCOPES_FOR.freeBusy, (req) => ({
    status: 200,
    json: freeBusy(store, req.json),
  }));
  route('POST', '/channels/stop', SCOPES_FOR.readEvents, (req) => {
    channels.stop(req.json);
    return { status: 204, body: '' };
  });
}
