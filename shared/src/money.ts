/** Money in the core: integer minor units (cents) with an ISO 4217 currency code. Never floats. */

export interface Money {
  /** Integer minor units, e.g. 1999 for 19.99 USD. */
  amount: number;
  currency: string;
}

/** Digits after the decimal point, from the platform's ICU data (JPY 0, USD 2, BHD 3). */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** 1999 USD → 19.99, for hosts that keep major units (Salesforce Currency, HubSpot numbers, Dataverse Money). */
export function toMajorUnits(money: Money): number {
  return money.amount / 10 ** minorUnitDigits(money.currency);
}

export function fromMajorUnits(major: number, currency: string): Money {
  return { amount: Math.round(major * 10 ** minorUnitDigits(currency)), currency };
}

export function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new RangeError(`Cannot combine ${a.currency} with ${b.currency}.`);
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}
