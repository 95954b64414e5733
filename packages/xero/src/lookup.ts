import {
  type ClientCheck,
  type ClientWithSection,
  type IdTable,
  ReconnectRequiredError,
  type TokenStore,
} from '@vahub/core';
import type { XeroAccounting } from './accounting.js';
import type { XeroClientSection } from './config.js';
import type { XeroConnect } from './connect.js';
import { usableCurrencies, type XeroSettings } from './settings.js';

const SETTINGS_SCOPES = ['accounting.settings.read', 'accounting.settings'];

/**
 * A grant made before vahub asked for `accounting.settings.read` cannot read accounts, tax rates or
 * currencies: say so before Xero answers 401, when the stored grant records its scope.
 */
export async function requireSettingsScope(tokens: TokenStore, tokenKey: string): Promise<void> {
  const scope = (await tokens.get(tokenKey))?.scope;
  if (scope === undefined || scope.split(' ').some((s) => SETTINGS_SCOPES.includes(s))) return;
  throw new ReconnectRequiredError({
    provider: 'xero',
    operation: 'readSettings',
    message:
      'the Xero grant does not include accounting.settings.read, which reading accounts, tax rates and currencies needs: run `vahub connect xero` again to grant it',
  });
}

export interface XeroLookupParts {
  accounting: XeroAccounting;
  connect: XeroConnect;
  tokens: TokenStore;
  tokenKey: string;
}

/** `vahub ids xero`: the organisations, and each one's contacts, revenue accounts, tax rates, currencies. */
export async function listXeroIds(parts: XeroLookupParts): Promise<IdTable[]> {
  await requireSettingsScope(parts.tokens, parts.tokenKey);
  const organisations = await parts.connect.connections();
  const tables: IdTable[] = [
    {
      title: 'organisations',
      configKey: 'clients[].xero.tenantId',
      columns: ['tenantId', 'name'],
      rows: organisations.map((o) => ({ tenantId: o.tenantId, name: o.tenantName ?? '' })),
    },
  ];
  for (const o of organisations.filter((c) => c.tenantType === 'ORGANISATION')) {
    const within = `${o.tenantName ?? o.tenantId} (${o.tenantId})`;
    const { contacts, truncated } = await parts.accounting.listContacts(o.tenantId);
    const settings = await parts.accounting.settings(o.tenantId);
    tables.push(
      {
        title: truncated ? `contacts (the first ${contacts.length})` : 'contacts',
        configKey: 'clients[].xero.contactId',
        within,
        columns: ['ContactID', 'name', 'email'],
        rows: contacts.map((c) => ({ ContactID: c.id, name: c.name, email: c.email ?? '' })),
      },
      {
        title: 'revenue accounts',
        configKey: 'clients[].xero.accountCode',
        within,
        columns: ['Code', 'name', 'type'],
        rows: settings.accounts
          .filter((a) => a.status === 'ACTIVE' && a.class === 'REVENUE')
          .map((a) => ({ Code: a.code, name: a.name, type: a.type })),
      },
      {
        title: 'tax rates for revenue',
        configKey: 'clients[].xero.taxType',
        within,
        columns: ['TaxType', 'name', 'rate'],
        rows: settings.taxRates
          .filter((t) => t.status === 'ACTIVE' && t.canApplyToRevenue)
          .map((t) => ({ TaxType: t.taxType, name: t.name, rate: t.rate })),
      },
      {
        title: 'currencies',
        configKey: 'clients[].billing.currency',
        within,
        columns: ['Code', 'description', 'base'],
        rows: usableCurrencies(settings).map((code) => ({
          Code: code,
          description: settings.currencies.find((c) => c.code === code)?.description ?? '',
          base: code === settings.baseCurrency ? 'yes' : '',
        })),
      },
    );
  }
  return tables;
}

/**
 * Each client's account code, tax type and billing currency against its organisation: one read of
 * the settings per organisation, however many clients share it.
 */
export async function checkXeroClients(
  parts: XeroLookupParts,
  clients: readonly ClientWithSection<XeroClientSection>[],
): Promise<ClientCheck[]> {
  const out: ClientCheck[] = [];
  const tenants = [...new Set(clients.map((c) => c.section.tenantId))];
  let scopeError: unknown = null;
  try {
    await requireSettingsScope(parts.tokens, parts.tokenKey);
  } catch (err) {
    scopeError = err;
  }
  for (const tenantId of tenants) {
    const own = clients.filter((c) => c.section.tenantId === tenantId);
    let settings: XeroSettings;
    try {
      if (scopeError) throw scopeError;
      settings = await parts.accounting.settings(tenantId);
    } catch (error) {
      for (const { client } of own) {
        out.push({ clientId: client.id, check: 'invoice settings', path: 'xero', problem: null, error });
      }
      continue;
    }
    for (const { client, section } of own)
      out.push(...checkOne(settings, client.id, section, client.billing.currency));
  }
  return out;
}

function checkOne(
  s: XeroSettings,
  clientId: string,
  section: XeroClientSection,
  currency: string,
): ClientCheck[] {
  const org = `"${s.name || s.tenantId}"`;
  const account = s.accounts.find((a) => a.code === section.accountCode);
  const tax = s.taxRates.find((t) => t.taxType === section.taxType);
  const currencies = usableCurrencies(s);
  const accountProblem = !account
    ? `account code "${section.accountCode}" is not in ${org}'s chart of accounts`
    : account.status !== 'ACTIVE'
      ? `account ${account.code} (${account.name}) is ${account.status.toLowerCase()} in ${org}`
      : account.class !== 'REVENUE'
        ? `account ${account.code} (${account.name}) is ${account.type || account.class}, not a revenue account`
        : null;
  const taxProblem = !tax
    ? `tax type "${section.taxType}" does not exist in ${org}`
    : tax.status !== 'ACTIVE'
      ? `tax type ${tax.taxType} (${tax.name}) is ${tax.status.toLowerCase()} in ${org}`
      : !tax.canApplyToRevenue
        ? `tax type ${tax.taxType} (${tax.name}) cannot be used on revenue accounts`
        : null;
  const currencyProblem = currencies.includes(currency)
    ? null
    : `${currency} is neither ${org}'s base currency (${s.baseCurrency}) nor one it is subscribed to (${currencies.join(', ')})`;
  return [
    { clientId, check: 'invoice account code', path: 'xero.accountCode', problem: accountProblem },
    { clientId, check: 'invoice tax type', path: 'xero.taxType', problem: taxProblem },
    {
      clientId,
      check: 'invoice currency',
      path: 'billing.currency',
      problem: currencyProblem,
      ...(currencyProblem
        ? {
            hint: `or add ${currency} to the organisation's currencies in Xero (its plan must include multi-currency)`,
          }
        : {}),
    },
  ];
}
