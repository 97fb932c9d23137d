/** Web and e-mail domains reduced to the registrable domain a company owns, free-mail providers recognised. */
import { secondLevelRegistries } from './data/domainRegistries.ts';
import { freeMailDomains } from './data/freeMailDomains.ts';

/**
 * A host name from anything a person might type: "https://www.Acme.com/about", "acme.com.", "WWW.ACME.COM",
 * an e-mail address, or an internationalised name (returned in its ASCII, punycode form). Null when it
 * is not a plausible host name.
 */
export function normaliseDomain(input: string | null | undefined): string | null {
  if (input == null) return null;
  let text = input.trim().toLowerCase();
  if (text === '') return null;
  const at = text.lastIndexOf('@');
  if (at >= 0) text = text.slice(at + 1);
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  text = text
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.+$/, '');
  if (text === '' || /\s/.test(text)) return null;
  let host: string;
  try {
    host = new URL(`http://${text}`).hostname;
  } catch {
    return null;
  }
  host = host.replace(/^www\d*\./, '');
  const labels = host.split('.');
  if (labels.length < 2) return null;
  const labelPattern = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  if (!labels.every((label) => labelPattern.test(label))) return null;
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels[labels.length - 1])) return null;
  return host;
}

/**
 * The domain a company registers: "eu.shop.acme.com" → "acme.com", "mail.acme.co.uk" → "acme.co.uk".
 * Subdomains of one company therefore meet at the same key.
 */
export function registrableDomain(input: string | null | undefined): string | null {
  const host = normaliseDomain(input);
  if (host === null) return null;
  const labels = host.split('.');
  const tld = labels[labels.length - 1];
  const second = labels[labels.length - 2];
  const keep = tld.length === 2 && secondLevelRegistries.has(second) && labels.length >= 3 ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** The label a company chose, without its registry: "acme.co.uk" → "acme". */
export function domainLabel(registrable: string): string {
  const dot = registrable.indexOf('.');
  return dot < 0 ? registrable : registrable.slice(0, dot);
}

/** True for gmail.com, mail.yahoo.co.uk and the like; false for anything not a host name. */
export function isFreeMailDomain(input: string | null | undefined): boolean {
  const registrable = registrableDomain(input);
  return registrable !== null && freeMailDomains.has(registrable);
}

/** The registrable domain that can identify a customer, or null (missing, malformed or free-mail). */
export function customerDomainKey(input: string | null | undefined): string | null {
  const registrable = registrableDomain(input);
  return registrable !== null && !freeMailDomains.has(registrable) ? registrable : null;
}
