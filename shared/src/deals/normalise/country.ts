/** Countries reduced to one spelling, so "USA" and "United States" meet. */
import { countryAliases } from './data/countryNames.ts';
import { foldCharacters } from './foldCharacters.ts';

/** "United States", "USA", "us" → "us"; anything unknown is kept folded so equal spellings still meet. */
export function normaliseCountry(input: string | null | undefined): string | null {
  if (input == null) return null;
  const folded = foldCharacters(input)
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (folded === '') return null;
  return countryAliases[folded] ?? folded;
}
