import type { FakeRequest, FakeResponse, FakeServer } from '@vahub/testkit';
import { type GuardContext, guarded } from './accounting-guard.js';
import { type FakeContact, type FakeTenant, msDate, problem, randomUUID, validationBody } from './state.js';

function render(c: FakeContact): Record<string, unknown> {
  return {
    ContactID: c.ContactID,
    ContactStatus: c.ContactStatus,
    Name: c.Name,
    EmailAddress: c.EmailAddress,
    IsSupplier: false,
    IsCustomer: true,
    UpdatedDateUTC: c.UpdatedDateUTC,
  };
}

function envelope(contacts: Record<string, unknown>[], now: number, pagination?: Record<string, number>) {
  return {
    Id: randomUUID(),
    Status: 'OK',
    ProviderName: 'vahub fake Xero',
    DateTimeUTC: msDate(now),
    ...(pagination ? { pagination } : {}),
    Contacts: contacts,
  };
}

/** The two `where` forms a connector might use: `Name=="…"` and `EmailAddress=="…"`. */
function whereFilter(where: string | null): ((c: FakeContact) => boolean) | null {
  if (!where) return null;
  const m = /^\s*(Name|EmailAddress)\s*==\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(where);
  if (!m) return () => false;
  const [, field, value] = m;
  const wanted = (value ?? '').replace(/\\(.)/g, '$1');
  return (c) => (field === 'Name' ? c.Name : c.EmailAddress) === wanted;
}

export function addContact(
  tenant: FakeTenant,
  input: { name: string; email?: string; archived?: boolean },
  now: number,
) {
  const contact: FakeContact = {
    ContactID: randomUUID(),
    Name: input.name,
    EmailAddress: input.email ?? '',
    ContactStatus: input.archived ? 'ARCHIVED' : 'ACTIVE',
    UpdatedDateUTC: msDate(now),
  };
  tenant.contacts.set(contact.ContactID, contact);
  return contact;
}

export function contactRoutes(server: FakeServer, ctx: GuardContext): void {
  const base = '/api.xro/2.0';

  server.route(
    'GET',
    `${base}/Contacts`,
    guarded(ctx, (req, tenant) => {
      const term = (req.query.get('searchTerm') ?? '').toLowerCase();
      const ids = new Set((req.query.get('IDs') ?? '').split(',').filter(Boolean));
      const where = whereFilter(req.query.get('where'));
      const archived = req.query.get('includeArchived') === 'true';
      const page = Math.max(1, Number(req.query.get('page') ?? '1') || 1);
      // Xero's pages hold 100 contacts unless `pageSize` asks for up to 1,000.
      const size = Math.min(1000, Math.max(1, Number(req.query.get('pageSize') ?? '100') || 100));
      const found = [...tenant.contacts.values()].filter(
        (c) =>
          (archived || c.ContactStatus === 'ACTIVE') &&
          (ids.size === 0 || ids.has(c.ContactID)) &&
          (!term || c.Name.toLowerCase().includes(term) || c.EmailAddress.toLowerCase().includes(term)) &&
          (!where || where(c)),
      );
      const pagination = {
        page,
        pageSize: size,
        pageCount: Math.ceil(found.length / size),
        itemCount: found.length,
      };
      const onPage = found.slice((page - 1) * size, page * size).map(render);
      return {
        status: 200,
        json: envelope(onPage, ctx.now(), req.query.has('page') ? pagination : undefined),
      };
    }),
  );

  server.route(
    'GET',
    `${base}/Contacts/:id`,
    guarded(ctx, (req, tenant) => {
      const c = tenant.contacts.get(req.params.id ?? '');
      if (!c) return problem(404, 'NotFound', "The resource you're looking for cannot be found");
      return { status: 200, json: envelope([render(c)], ctx.now()) };
    }),
  );

  const create = (req: FakeRequest, tenant: FakeTenant): FakeResponse => {
    const items = (req.json as { Contacts?: unknown } | undefined)?.Contacts;
    if (!Array.isArray(items) || items.length === 0) {
      return {
        status: 400,
        json: validationBody([{ ValidationErrors: [{ Message: 'No Contacts were given' }] }]),
      };
    }
    const errors = items.map((raw) => {
      const item = (raw ?? {}) as { Name?: unknown };
      const name = typeof item.Name === 'string' ? item.Name.trim() : '';
      if (!name) return ['The contact name must be specified'];
      const taken = [...tenant.contacts.values()].some(
        (c) => c.ContactStatus === 'ACTIVE' && c.Name.toLowerCase() === name.toLowerCase(),
      );
      return taken
        ? [
            `The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`,
          ]
        : [];
    });
    if (errors.some((e) => e.length > 0)) {
      return {
        status: 400,
        json: validationBody(
          items.map((raw, i) => ({
            ...(raw as object),
            ValidationErrors: (errors[i] ?? []).map((Message) => ({ Message })),
          })),
        ),
      };
    }
    const created = items.map((raw) => {
      const item = raw as { Name: string; EmailAddress?: unknown };
      const email = typeof item.EmailAddress === 'string' ? item.EmailAddress : undefined;
      return render(addContact(tenant, { name: item.Name.trim(), email }, ctx.now()));
    });
    return { status: 200, json: envelope(created, ctx.now()) };
  };
  server.route('PUT', `${base}/Contacts`, guarded(ctx, create));
  server.route('POST', `${base}/Contacts`, guarded(ctx, create));
}
