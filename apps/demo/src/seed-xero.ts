import type { Config } from '@vahub/registry';
import type { FakeTenantOptions, FakeXero } from '@vahub/xero/testing';

/**
 * The VA's two Xero organisations, with the example config's tenant ids: an Australian one that
 * invoices Koala Co (AUD, GST) and Thames Studio (GBP, tax type OUTPUT2), and a US one for Hudson
 * Legal (no tax).
 */
export const DEMO_XERO_TENANTS: FakeTenantOptions[] = [
  {
    tenantId: 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f',
    tenantName: 'Réka VA Services Pty Ltd',
    baseCurrency: 'AUD',
    currencies: ['GBP', 'USD', 'EUR', 'NZD'],
    taxRates: { OUTPUT: '10', OUTPUT2: '20', NONE: '0', EXEMPTOUTPUT: '0' },
  },
  {
    tenantId: '0b1e8a3c-4d5e-4f60-8a1b-2c3d4e5f6a7b',
    tenantName: 'Réka VA Services LLC',
    baseCurrency: 'USD',
    taxRates: { NONE: '0' },
  },
];

/**
 * Each client as a Xero contact under the id the config names. The fake hands out random contact
 * ids, so the contact is re-filed under the configured one, as if the VA had copied it from Xero.
 */
export function seedXero(fake: FakeXero, clients: Config['clients']): { contacts: number } {
  for (const client of clients) {
    const xero = client.xero;
    if (!xero) throw new Error(`demo: client ${client.id} has no xero section`);
    const tenant = fake.tenants.get(xero.tenantId);
    if (!tenant) throw new Error(`demo: no fake Xero organisation ${xero.tenantId}`);
    const contact = fake.addContact({ name: client.name, tenantId: xero.tenantId });
    tenant.contacts.delete(contact.ContactID);
    tenant.contacts.set(xero.contactId, { ...contact, ContactID: xero.contactId });
  }
  return { contacts: clients.length };
}
