import type { FakeServer } from '@vahub/testkit';
import { type GuardContext, guarded } from './accounting-guard.js';
import { msDate, problem, randomUUID, validationBody } from './state.js';

/** Xero's documented limit on a note's `Details` ("History and Notes": max length 250 characters). */
export const NOTE_MAX_LENGTH = 250;

/**
 * `GET/PUT /Invoices/{id}/History`: an invoice's History and Notes. Notes are append-only (Xero
 * offers no update or delete of them); a PUT adds every record of its body as a "Note" by "System
 * Generated", in order, and answers them.
 */
export function historyRoutes(server: FakeServer, ctx: GuardContext): void {
  const path = '/api.xro/2.0/Invoices/:id/History';
  const render = (r: { Changes: string; User: string; Details: string; DateUTC: number }) => ({
    Changes: r.Changes,
    User: r.User,
    Details: r.Details,
    DateUTC: msDate(r.DateUTC),
  });
  server.route(
    'GET',
    path,
    guarded(ctx, (req, tenant) => {
      const id = req.params.id ?? '';
      if (!tenant.invoices.has(id))
        return problem(404, 'NotFound', "The resource you're looking for cannot be found");
      const records = tenant.history.get(id) ?? [];
      return { status: 200, json: { Id: randomUUID(), Status: 'OK', HistoryRecords: records.map(render) } };
    }),
  );
  const add = guarded(ctx, (req, tenant) => {
    const id = req.params.id ?? '';
    if (!tenant.invoices.has(id))
      return problem(404, 'NotFound', "The resource you're looking for cannot be found");
    const body = req.json as { HistoryRecords?: unknown } | undefined;
    const items = Array.isArray(body?.HistoryRecords) ? (body.HistoryRecords as { Details?: unknown }[]) : [];
    const errors = items.length === 0 ? ['No HistoryRecords were given'] : [];
    for (const item of items) {
      if (typeof item.Details !== 'string' || item.Details.trim() === '')
        errors.push('Details must be given');
      else if (item.Details.length > NOTE_MAX_LENGTH) {
        errors.push(`Details cannot be longer than ${NOTE_MAX_LENGTH} characters`);
      }
    }
    if (errors.length > 0)
      return {
        status: 400,
        json: validationBody([{ ValidationErrors: errors.map((Message) => ({ Message })) }]),
      };
    const now = ctx.now();
    const added = items.map((item) => ({
      Changes: 'Note',
      User: 'System Generated',
      Details: item.Details as string,
      DateUTC: now,
    }));
    tenant.history.set(id, [...(tenant.history.get(id) ?? []), ...added]);
    return { status: 200, json: { Id: randomUUID(), Status: 'OK', HistoryRecords: added.map(render) } };
  });
  server.route('PUT', path, add);
  server.route('POST', path, add);
}
