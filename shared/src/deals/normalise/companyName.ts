/** Company names reduced to the words that tell companies apart: legal forms, articles and spelling variants removed. */
import { leadingArticles, leadingLegalForms, legalForms } from './data/legalForms.ts';
import { canonicalWords } from './data/spellingVariants.ts';
import { foldCharacters } from './foldCharacters.ts';

/**
 * Joins dotted or slashed single letters so an abbreviation becomes one word: "S.p.A." → "spa",
 * "K.K." → "kk", "A/S" → "as", "U.S. Steel" → "us steel". Apostrophes vanish ("McDonald's" → "mcdonalds").
 */
function joinAbbreviations(folded: string): string {
  return folded
    .replace(/['’`´]/g, '')
    .replace(/(?<![\p{L}\p{N}])(?:[\p{L}\p{N}][./](?=[\p{L}\p{N}][./]?(?![\p{L}\p{N}])))+[\p{L}\p{N}][./]?/gu, (abbr) =>
      abbr.replace(/[./]/g, ''),
    );
}

/** The words of a company name that identify it, in order, canonical spelling, legal forms removed. */
export function companyNameTokens(name: string): string[] {
  const words = joinAbbreviations(foldCharacters(name))
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && word !== 'and')
    .map((word) => canonicalWords[word] ?? word);
  // Strip from both ends until nothing more comes off, always keeping one word: a company called
  // just "AG" or "The Co" is still a name.
  let changed = true;
  while (changed && words.length > 1) {
    changed = false;
    const last = words[words.length - 1];
    if (legalForms.has(last)) {
      words.pop();
      changed = true;
      continue;
    }
    const first = words[0];
    if (leadingArticles.has(first) || leadingLegalForms.has(first)) {
      words.shift();
      changed = true;
    }
  }
  return words;
}

/** The comparable form of a company name: "Müller & Söhne GmbH" → "muller sohne". */
export function normaliseCompanyName(name: string): string {
  return companyNameTokens(name).join(' ');
}

/** The name without spaces, so "Micro Soft" and "Microsoft" meet. */
export function compactCompanyName(name: string): string {
  return companyNameTokens(name).join('');
}
