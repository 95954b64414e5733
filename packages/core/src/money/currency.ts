/**
 * ISO 4217 active currency codes (list of 2025), with their minor-unit digits. Funds codes,
 * precious metals and testing codes are left out: nobody invoices a client in XAU.
 */
const ZERO_DIGITS = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE_DIGITS = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR_DIGITS = 'CLF UYW';
const TWO_DIGITS = `AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP
BYN BZD CAD CDF CHE CHF CHW COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA
MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON
RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH
USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG`;

const DIGITS = new Map<string, number>();
for (const [list, digits] of [
  [TWO_DIGITS, 2],
  [ZERO_DIGITS, 0],
  [THREE_DIGITS, 3],
  [FOUR_DIGITS, 4],
] as const) {
  for (const code of list.split(/\s+/)) if (code) DIGITS.set(code, digits);
}

export function isCurrencyCode(code: string): boolean {
  return DIGITS.has(code);
}

/** Minor-unit digits of an ISO 4217 currency: 2 for AUD, 0 for JPY, 3 for KWD. Throws for unknown codes. */
export function currencyDigits(code: string): number {
  const digits = DIGITS.get(code);
  if (digits === undefined) throw new RangeError(`unknown ISO 4217 currency code "${code}"`);
  return digits;
}
