/**
 * Customer identity for conflict detection: company names reduced to the words that tell companies
 * apart, web and e-mail domains reduced to the registrable domain, free-mail providers recognised.
 * Everything here is pure and idempotent: normalising a normalised value changes nothing.
 */
export * from './normalise/companyName.ts';
export * from './normalise/webDomain.ts';
export * from './normalise/country.ts';
