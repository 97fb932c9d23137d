/** Scoring: how likely two customer descriptions name the same company (0..1, with the evidence in words). */
import { companyNameTokens, customerDomainKey, domainLabel, normaliseCountry } from '../normalise.ts';
import { boundedEditDistance } from './editDistance.ts';
import type { CustomerDescription } from './knownCustomers.ts';
import { joiningWords, rarityWeight, tokenWeight, type WordRarity } from './wordWeights.ts';

/** A description reduced once to what the scorer compares, so a million records are not re-normalised. */
export interface PreparedCustomer {
  /** The name's words in order, as normalised. */
  tokens: string[];
  /** The distinct words, which is what the overlap counts: "Johnson & Johnson" is one Johnson. */
  words: string[];
  totalWeight: number;
  /** Tokens joined by a space: equal keys are equal names. */
  key: string;
  /** Tokens joined without spaces: "Micro Soft" meets "Microsoft". */
  compact: string;
  /** Registrable, non-free domains from the web domain and the contact e-mail (0 to 2, no duplicates). */
  domains: string[];
  country: string | null;
}

const noDomains: string[] = [];

export function prepareCustomer(description: CustomerDescription): PreparedCustomer {
  const tokens = companyNameTokens(description.customerName);
  const distinct = tokens.length > 1 ? [...new Set(tokens)] : tokens;
  // Shared arrays where nothing differs: a million prepared records are most of the index's memory.
  const words = distinct.length === tokens.length ? tokens : distinct;
  let totalWeight = 0;
  for (const word of words) totalWeight += tokenWeight(word);
  let domains = noDomains;
  for (const raw of [description.customerDomain, description.customerContactEmail]) {
    const key = customerDomainKey(raw);
    if (key !== null && !domains.includes(key)) domains = [...domains, key];
  }
  return {
    tokens,
    words,
    totalWeight,
    key: tokens.join(' '),
    compact: tokens.join(''),
    domains,
    country: normaliseCountry(description.customerCountry),
  };
}

/** How many typos a word of this length may carry and still be the same word (see also `tokenSimilarity`). */
export function typoAllowance(length: number): number {
  if (length >= 9) return 2;
  if (length >= 6) return 1;
  return 0;
}

/** 1 for the same word, a little less for a typo of it, 0 otherwise (short words must match exactly). */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  const shorter = Math.min(a.length, b.length);
  const allowance = typoAllowance(shorter);
  // Lengths alone rule out most pairs; checked first because this runs for every word pair scored.
  if (longer - shorter > (allowance === 0 ? 1 : allowance)) return 0;
  // A typo stays within its kind of word: "Sharma" is not a misspelt "Pharma". A misspelt common word
  // ("Sytems") still meets its company through the spelling of the whole name.
  if (tokenWeight(a) !== tokenWeight(b)) return 0;
  if (allowance === 0) {
    // Five-letter words are too crowded for general typos (Nokia, Nokin, Nokea are all someone), but a
    // letter added or dropped at the end ("Mobil" and "Mobile", "Robotic" and "Robotics") still counts.
    if (shorter >= 5 && longer === shorter + 1 && (a.startsWith(b) || b.startsWith(a))) return 1 - 0.6 / longer;
    return 0;
  }
  // One edit leaves the first or the last letter in place.
  if (
    allowance === 1 &&
    a.charCodeAt(0) !== b.charCodeAt(0) &&
    a.charCodeAt(a.length - 1) !== b.charCodeAt(b.length - 1)
  )
    return 0;
  const distance = boundedEditDistance(a, b, allowance);
  return distance > allowance ? 0 : 1 - (0.6 * distance) / longer;
}

/** The first of `a`'s domains whose name (before the first dot) one of `b`'s domains shares. */
function sharedDomainLabel(a: readonly string[], b: readonly string[]): string | undefined {
  for (const x of a) {
    const label = domainLabel(x);
    for (const y of b) if (domainLabel(y) === label) return x;
  }
  return undefined;
}

let bestForB = new Float64Array(16);
let rarityOfA = new Float64Array(16);
let rarityOfB = new Float64Array(16);

/**
 * Share of the words, by weight, that the two names have in common (a weighted Dice coefficient): by
 * `tokenWeight` for the score, or scaled by rarity among the known customers for calibration
 * (`evidence.ts`). One function with a branch rather than a weight function passed in: the scorer runs
 * it for every candidate, and a call that takes no function allocates nothing and stays monomorphic.
 */
export function wordOverlap(a: PreparedCustomer, b: PreparedCustomer, rarity: WordRarity | null = null): number {
  let total = a.totalWeight + b.totalWeight;
  if (rarity !== null) {
    // Each word's rarity read once: it is a lookup in the index's word map.
    if (rarityOfA.length < a.words.length) rarityOfA = new Float64Array(a.words.length * 2);
    if (rarityOfB.length < b.words.length) rarityOfB = new Float64Array(b.words.length * 2);
    total = 0;
    for (let i = 0; i < a.words.length; i++) total += rarityOfA[i] = rarityWeight(rarity, a.words[i]);
    for (let j = 0; j < b.words.length; j++) total += rarityOfB[j] = rarityWeight(rarity, b.words[j]);
  }
  if (total === 0 || a.totalWeight === 0 || b.totalWeight === 0) return 0;
  let matched = 0;
  // Scratch reused across calls (this runs for every candidate of every check).
  if (bestForB.length < b.words.length) bestForB = new Float64Array(b.words.length * 2);
  bestForB.fill(0, 0, b.words.length);
  for (let i = 0; i < a.words.length; i++) {
    let best = 0;
    for (let j = 0; j < b.words.length; j++) {
      const similarity = tokenSimilarity(a.words[i], b.words[j]);
      if (similarity > best) best = similarity;
      if (similarity > bestForB[j]) bestForB[j] = similarity;
    }
    matched += (rarity === null ? tokenWeight(a.words[i]) : rarityOfA[i]) * best;
  }
  for (let j = 0; j < b.words.length; j++)
    matched += (rarity === null ? tokenWeight(b.words[j]) : rarityOfB[j]) * bestForB[j];
  return matched / total;
}

/** Similarity of the names written without spaces; only near-identical spellings count. */
function spellingSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer < 6) return 0;
  const limit = Math.floor(longer * 0.12);
  const distance = boundedEditDistance(a, b, limit);
  return distance > limit ? 0 : 1 - distance / longer;
}

/** "IBM" and "International Business Machines". */
export function isAcronymOf(short: PreparedCustomer, long: PreparedCustomer): boolean {
  if (short.tokens.length !== 1 || long.tokens.length < 2) return false;
  const candidate = short.tokens[0];
  if (candidate.length < 2 || candidate.length > 6) return false;
  const initials = long.tokens.map((t) => t[0]).join('');
  const initialsWithoutJoining = long.tokens
    .filter((t) => !joiningWords.has(t))
    .map((t) => t[0])
    .join('');
  return candidate === initials || candidate === initialsWithoutJoining;
}

export interface MatchScore {
  /** 0..1: how likely the two descriptions name the same company. */
  score: number;
  /** The evidence in words, strongest first; empty unless asked for. */
  reasons: string[];
}

/**
 * Scores two prepared descriptions. `explain` adds the reasons; the score never depends on it, so the
 * index and a linear scan that skip explanations for speed still agree.
 */
export function compareCustomers(a: PreparedCustomer, b: PreparedCustomer, explain = false): MatchScore {
  const reasons: string[] = [];
  return { score: scoreCustomers(a, b, explain ? reasons : null), reasons };
}

/** The score alone, as `compareCustomers` gives it, without allocating: the index scores thousands per check. */
export function matchScore(a: PreparedCustomer, b: PreparedCustomer): number {
  return scoreCustomers(a, b, null);
}

/** Upper bound of `spellingSimilarity` from the lengths alone (the distance is at least their difference). */
function spellingBound(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer < 6) return 0;
  const difference = Math.abs(a.length - b.length);
  return difference > Math.floor(longer * 0.12) ? 0 : 1 - difference / longer;
}

function scoreCustomers(a: PreparedCustomer, b: PreparedCustomer, reasons: string[] | null): number {
  let name: number;
  if (a.key === b.key) {
    name = 1;
    if (reasons !== null)
      reasons.push(
        `the company names are the same once case, accents, punctuation and legal forms are ignored ("${a.key}")`,
      );
  } else if (a.compact === b.compact) {
    name = 0.97;
    if (reasons !== null) reasons.push(`the company names differ only in spacing ("${a.key}" and "${b.key}")`);
  } else {
    const words = wordOverlap(a, b);
    const acronym = isAcronymOf(a, b) || isAcronymOf(b, a) ? 0.8 : 0;
    // The edit distance of the whole names only matters when it could beat the other two measures.
    const spelling =
      spellingBound(a.compact, b.compact) * 0.97 > Math.max(words, acronym)
        ? spellingSimilarity(a.compact, b.compact) * 0.97
        : 0;
    name = Math.max(words, spelling, acronym);
    if (reasons !== null && name > 0) {
      if (name === acronym)
        reasons.push(
          `"${a.key.length < b.key.length ? a.key : b.key}" reads as the initials of "${a.key.length < b.key.length ? b.key : a.key}"`,
        );
      else if (name === words)
        reasons.push(
          `the company names share ${Math.round(words * 100)}% of their distinctive words ("${a.key}" and "${b.key}")`,
        );
      else reasons.push(`the company names are spelt almost the same ("${a.key}" and "${b.key}")`);
    }
  }

  let score = name;
  if (a.domains.length > 0 && b.domains.length > 0) {
    const shared = a.domains.find((domain) => b.domains.includes(domain));
    if (shared !== undefined) {
      // One registrable domain is one organisation, whatever the names on the forms say.
      score = Math.max(score, 0.95);
      if (reasons !== null) reasons.unshift(`the same web or e-mail domain (${shared}), subdomains included`);
    } else {
      const sharedLabel = sharedDomainLabel(a.domains, b.domains);
      if (sharedLabel !== undefined) {
        score = Math.min(1, score + 0.05);
        if (reasons !== null)
          reasons.push(`the web domains share the name "${domainLabel(sharedLabel)}" under different endings`);
      } else {
        score *= 0.9;
        if (reasons !== null)
          reasons.push(`the web domains differ (${a.domains.join(', ')} and ${b.domains.join(', ')})`);
      }
    }
  }
  if (a.country !== null && b.country !== null && a.country !== b.country) {
    score *= 0.9;
    if (reasons !== null)
      reasons.push(`the countries differ (${a.country.toUpperCase()} and ${b.country.toUpperCase()})`);
  }
  return Math.round(score * 1000) / 1000;
}
