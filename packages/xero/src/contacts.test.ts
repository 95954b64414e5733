import { ConnectorError } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test-support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.fake.addContact({ name: 'Koala Co Pty Ltd', email: 'accounts@koala.example' });
  h.fake.addContact({ name: 'Koala Co Pty Ltd (old)', email: 'old@koala.example' });
  h.fake.addContact({ name: 'Wombat Ltd', email: 'Billing@Wombat.example' });
  h.fake.addContact({ name: 'Archived Emu', email: 'emu@example.com', archived: true });
});
afterEach(() => h.stop());

describe('findContact', () => {
  it('finds a contact by id, and answers null for an id Xero does not know', async () => {
    const koala = [...h.fake.tenants.get(h.tenantId)!.contacts.values()].find(
      (c) => c.Name === 'Koala Co Pty Ltd',
    )!;
    expect(await h.accounting.findContact({ tenantId: h.tenantId, contactId: koala.ContactID })).toEqual({
      id: koala.ContactID,
      name: 'Koala Co Pty Ltd',
      email: 'accounts@koala.example',
    });
    expect(
      await h.accounting.findContact({ tenantId: h.tenantId, contactId: crypto.randomUUID() }),
    ).toBeNull();
  });

  it('finds by exact name (any case) among the search results, not by a partial match', async () => {
    const found = await h.accounting.findContact({ tenantId: h.tenantId, name: 'koala co pty ltd' });
    expect(found?.name).toBe('Koala Co Pty Ltd');
    expect(await h.accounting.findContact({ tenantId: h.tenantId, name: 'Koala' })).toBeNull();
    const [search] = h.fake.server.requestsTo('GET', '/api.xro/2.0/Contacts');
    expect(search?.query.searchTerm).toBe('koala co pty ltd');
  });

  it('finds by email regardless of case, and skips archived contacts', async () => {
    expect(
      (await h.accounting.findContact({ tenantId: h.tenantId, email: 'billing@wombat.example' }))?.name,
    ).toBe('Wombat Ltd');
    expect(await h.accounting.findContact({ tenantId: h.tenantId, email: 'emu@example.com' })).toBeNull();
  });

  it('lists candidates for `vahub init`', async () => {
    const names = (await h.accounting.searchContacts(h.tenantId, 'koala')).map((c) => c.name).sort();
    expect(names).toEqual(['Koala Co Pty Ltd', 'Koala Co Pty Ltd (old)']);
  });
});

describe('createContact', () => {
  it('creates a customer once even when repeated, and reports Xero’s uniqueness rule otherwise', async () => {
    const first = await h.accounting.createContact({
      tenantId: h.tenantId,
      name: 'Possum Partners',
      email: 'a@p.example',
    });
    const again = await h.accounting.createContact({
      tenantId: h.tenantId,
      name: 'Possum Partners',
      email: 'a@p.example',
    });
    expect(again).toEqual(first);
    expect(
      [...h.fake.tenants.get(h.tenantId)!.contacts.values()].filter((c) => c.Name === 'Possum Partners'),
    ).toHaveLength(1);

    const err = await h.accounting
      .createContact({ tenantId: h.tenantId, name: 'Wombat Ltd' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).details[0]).toMatch(/The contact name Wombat Ltd is already assigned/);
  });
});
