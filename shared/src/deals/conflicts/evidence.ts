/**
 * Calibration: which evidence a scored match rests on, and whether that evidence is strong enough for
 * `conflict`, calls for a person (`possible`), or says nothing (`none`). The score from `scoring.ts`
 * finds the candidates; this decides what they are worth, with how rare each word is among the known
 * customers (a shared rare word is evidence, a shared common one is not) and with the country.
 */
import { domainLabel } from '../normalise.ts';
import { boundedEditDistance } from './editDistance.ts';
import type { PreparedCustomer } from './scoring.ts';
import { isAcronymOf, wordOverlap } from './scoring.ts';
import { fewestRecordsForRarity, joiningWords, rareHolding, tokenWeight, type WordRarity } from './wordWeights.ts';
import { matchThresholds } from './knownCustomers.ts';

/**
 * The most known records a short form's leading word may be held by: the rare limit, or none while
 * the known customers are too few to tell. A short form is evidence only through that word's rarity:
 * "Apple" is "Apple Inc." among many customers, and as much "Apple Bank for Savings" among two.
 */
export function shortFormLeadLimit(records: number): number {
  return records < fewestRecordsForRarity ? 0 : rareHolding(records);
}

/**
 * "Kavelmark" for "Kavelmark Home & Garden Stores", "Yasref" for "Yanbu Aramco Sinopec Refining
 * (Yasref)": the shorter name is the longer one's leading words, or one of its words, and starts with a
 * distinctive word. Whether that word is rare enough to tell is `isRare`'s business.
 */
export function isShortFormOf(short: PreparedCustomer, long: PreparedCustomer): boolean {
  const s = short.tokens;
  const l = long.tokens;
  if (s.length === 0 || s.length >= l.length) return false;
  const lead = s[0];
  if (lead.length < 3 || tokenWeight(lead) < 1) return false;
  if (s.length === 1) return long.words.includes(lead);
  for (let i = 0; i < s.length; i++) if (s[i] !== l[i]) return false;
  return true;
}

/** "Dupont & Fils" and "Dupont et Fils": the same words once joining words are left out. */
function sameBarJoiningWords(a: PreparedCustomer, b: PreparedCustomer): boolean {
  const x = withoutJoiningWords(a);
  const y = withoutJoiningWords(b);
  return x.length > 0 && x.length === y.length && x.every((token, i) => token === y[i]);
}

/** "Bank of China" and "China Bank": the same words, joining words aside, in another order. */
function sameWordsReordered(a: PreparedCustomer, b: PreparedCustomer): boolean {
  const x = withoutJoiningWords(a).sort();
  const y = withoutJoiningWords(b).sort();
  return x.length > 1 && x.length === y.length && x.every((token, i) => token === y[i]);
}

function withoutJoiningWords(customer: PreparedCustomer): string[] {
  return customer.tokens.filter((token) => !joiningWords.has(token));
}

type Edit = 'substitution' | 'transposition' | 'letter added or dropped' | 'other';

function editKind(x: string, y: string): Edit {
  if (x.length !== y.length) return Math.abs(x.length - y.length) === 1 ? 'letter added or dropped' : 'other';
  const differ: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) differ.push(i);
  if (differ.length === 1) return 'substitution';
  if (
    differ.length === 2 &&
    differ[1] === differ[0] + 1 &&
    x[differ[0]] === y[differ[1]] &&
    x[differ[1]] === y[differ[0]]
  )
    return 'transposition';
  return 'other';
}

/** Words of eight letters or more: one letter off in them reads as a slip, not as another name. */
const longWord = 8;

export interface Assessment {
  /** The score the verdict uses: ≥ conflict threshold for strong evidence, possible band, or 0 for none. */
  score: number;
  /** Which evidence decided, when it is not the plain score; null otherwise. */
  why: string | null;
}

/**
 * How much of two names, by rarity-weighted words, must be shared before a person is asked to look,
 * once there are known customers enough to count words in (fitted on the tuning half of the labelled
 * set: docs/conflicts.md). With too few to count, the scorer's own "possible" threshold.
 */
const sharedWordsForReview = 0.8;

/** Below the conflict threshold, so the match goes to a person. */
const reviewScore = 0.85;

/** What a short form is worth: a person should look. */
export const shortFormScore = 0.75;

/**
 * The calibrated score of a match the scorer found (`score`, from `matchScore`). A `conflict` needs
 * strong evidence: the same registrable domain, the same name once folded (in the same country, or
 * with the domains agreeing), or a close spelling that is a slip (letters swapped, added or dropped, or
 * one struck wrong in a long word with the country agreeing). Everything else worth a look is capped
 * below the conflict threshold; word overlap that rests on common words, and one letter changed in a
 * short distinctive word, are not evidence at all.
 */
export function assessMatch(
  a: PreparedCustomer,
  b: PreparedCustomer,
  score: number,
  rarity: WordRarity,
  explain = false,
): Assessment {
  const sameDomain = a.domains.some((domain) => b.domains.includes(domain));
  if (sameDomain && score >= matchThresholds.conflict) return { score, why: null };
  const domainsAgree = sameDomain || a.domains.some((x) => b.domains.some((y) => domainLabel(x) === domainLabel(y)));
  const countries = a.country === null || b.country === null ? 'unknown' : a.country === b.country ? 'same' : 'differ';
  // Reasons are written only when asked for: a check assesses every candidate, and explains one.
  const review = (why: () => string): Assessment => ({
    score: Math.min(score, reviewScore),
    why: explain ? why() : null,
  });

  if (a.key === b.key || a.compact === b.compact || sameBarJoiningWords(a, b)) {
    if (countries === 'differ' && !domainsAgree)
      return review(
        () =>
          `the same name in another country (${a.country!.toUpperCase()} and ${b.country!.toUpperCase()}): often a subsidiary or a namesake, so a person should decide`,
      );
    return { score, why: null };
  }

  const short = isShortFormOf(a, b) ? a : isShortFormOf(b, a) ? b : null;
  if (short !== null && score < matchThresholds.possible) {
    const long = short === a ? b : a;
    if (rarity.holding(short.tokens[0]) > shortFormLeadLimit(rarity.records)) return { score: 0, why: null };
    return {
      score: shortFormScore,
      why: explain
        ? `"${short.key}" reads as a short form of "${long.key}" and "${short.tokens[0]}" is rare among the known customers`
        : null,
    };
  }

  if (isAcronymOf(a, b) || isAcronymOf(b, a))
    return domainsAgree ? { score, why: null } : review(() => 'initials alone');

  // The same words in another order are another name ("Bank of China", "China Bank"); only the domain
  // can say it is the same organisation.
  if (sameWordsReordered(a, b)) return domainsAgree ? { score, why: null } : { score: 0, why: null };

  if (a.tokens.length === b.tokens.length && a.words.length === b.words.length) {
    let differs = -1;
    for (let i = 0; i < a.tokens.length; i++) {
      if (a.tokens[i] === b.tokens[i]) continue;
      if (differs !== -1) {
        differs = -2;
        break;
      }
      differs = i;
    }
    const x = differs >= 0 ? a.tokens[differs] : '';
    const y = differs >= 0 ? b.tokens[differs] : '';
    // One word spelt close to the other (two edits in a long word, one otherwise); any other word
    // differing is a matter of shared words, below.
    if (differs >= 0 && boundedEditDistance(x, y, 2) <= (Math.min(x.length, y.length) >= 9 ? 2 : 1)) {
      const edit = editKind(x, y);
      const long = Math.min(x.length, y.length) >= longWord || tokenWeight(x) < 1 || tokenWeight(y) < 1;
      if (edit === 'substitution' && !long)
        return domainsAgree
          ? review(() => `"${x}" and "${y}" are one letter apart, with the web domains agreeing`)
          : { score: 0, why: null };
      if (countries === 'differ' && !domainsAgree)
        return review(
          () =>
            `a close spelling ("${x}" and "${y}") in another country (${a.country!.toUpperCase()} and ${b.country!.toUpperCase()})`,
        );
      if (edit === 'substitution' || edit === 'other') {
        if (countries === 'same' || domainsAgree) return { score, why: null };
        return review(() => `a close spelling ("${x}" and "${y}") with no country or domain to confirm it`);
      }
      return { score, why: null };
    }
  }

  // Shared words: as much evidence as their rarity among the known customers makes them.
  const overlap = wordOverlap(a, b, rarity);
  const needed = rarity.records < fewestRecordsForRarity ? matchThresholds.possible : sharedWordsForReview;
  if (overlap < needed && !domainsAgree) return { score: 0, why: null };
  if (domainsAgree && score >= matchThresholds.conflict) return { score, why: null };
  return review(() => {
    const shared = a.words.filter((word) => b.words.includes(word) && !joiningWords.has(word));
    return shared.length > 0
      ? `the names share ${shared.map((word) => `"${word}"`).join(', ')} but differ in other words`
      : `the names are spelt alike ("${a.key}" and "${b.key}") but not the same`;
  });
}
