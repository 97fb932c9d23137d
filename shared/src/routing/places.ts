/**
 * The place formats routing reads: countries as ISO 3166-1 alpha-2 codes, and locations as decimal
 * degrees. Country codes come from i18n-iso-countries rather than a list of our own, which would age.
 */
// The library's plain entry: its Node entry registers all 80 languages at start-up; English is enough.
import countries from 'i18n-iso-countries/index.js';
import english from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(english);

/** `DE`, `de`: an assigned ISO 3166-1 alpha-2 code, in any case. */
export function isCountryCode(text: string): boolean {
  return /^[a-z]{2}$/i.test(text) && countries.isValid(text.toUpperCase());
}

/** Why a text is not a country code, with the code it probably means; null when it is one. */
export function countryCodeProblem(text: string): string | null {
  if (isCountryCode(text)) return null;
  const named = countries.getAlpha2Code(text, 'en');
  if (named) return `"${text}" is not an ISO 3166-1 alpha-2 country code; write ${named}`;
  if (/[,;]/.test(text)) return `"${text}" is a list; this field takes one ISO 3166-1 alpha-2 country code`;
  const alpha3 = /^[a-z]{3}$/i.test(text) ? countries.alpha3ToAlpha2(text.toUpperCase()) : undefined;
  if (alpha3) return `"${text}" is an ISO 3166-1 alpha-3 code; write the alpha-2 code ${alpha3}`;
  return `"${text}" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. DE, IN, US)`;
}

/**
 * Why a latitude or longitude is refused, or null for decimal degrees within range. Coordinates
 * written the ISO 6709 way (`+46.2044+006.1432/`) or in degrees and minutes get the decimal form back
 * as a hint, since a bare "not a number" does not say what to write.
 */
export function coordinateProblem(text: string, axis: 'latitude' | 'longitude'): string | null {
  const limit = axis === 'latitude' ? 90 : 180;
  const value = Number(text);
  if (text.trim() !== '' && Number.isFinite(value)) {
    return Math.abs(value) <= limit
      ? null
      : `${text} is outside -${limit} to ${limit}; write decimal degrees (e.g. ${axis === 'latitude' ? '46.2044' : '6.1432'})`;
  }
  const iso6709 = /^([+-]\d{2}(?:\.\d+)?)([+-]\d{3}(?:\.\d+)?)(?:[+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?\/?$/.exec(
    text.trim(),
  );
  if (iso6709) {
    return `"${text}" is an ISO 6709 point; write decimal degrees, latitude ${Number(iso6709[1])} and longitude ${Number(iso6709[2])} in their own columns`;
  }
  return `"${text}" is not a number; write decimal degrees (e.g. ${axis === 'latitude' ? '46.2044' : '6.1432'}, south and west negative)`;
}
