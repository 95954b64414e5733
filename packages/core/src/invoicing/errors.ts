import { VahubError } from '../errors/errors.js';

/** The organisation cannot invoice in the client's currency: nothing can be sent until one changes. */
export class InvoiceCurrencyError extends VahubError {
  override name = 'InvoiceCurrencyError';
  readonly currency: string;
  readonly available: readonly string[];
  constructor(currency: string, available: readonly string[]) {
    const has = available.length === 0 ? 'none' : [...available].sort().join(', ');
    super(
      `the invoicing organisation cannot invoice in ${currency} (its currencies: ${has}): ` +
        `add ${currency} to the organisation's currencies, or bill the client in one of those`,
    );
    this.currency = currency;
    this.available = available;
  }
}

/** A line or total too large to be carried exactly: refused before anything is sent. */
export class InvoiceLimitError extends VahubError {
  override name = 'InvoiceLimitError';
}

/**
 * Refuses a currency the organisation cannot invoice in. The engine calls it when the target lists
 * the organisation's currencies; a sink can call it again at send time with what it read.
 */
export function checkInvoiceCurrency(currency: string, available: readonly string[]): void {
  if (!available.includes(currency)) throw new InvoiceCurrencyError(currency, available);
}
