/**
 * Conflict detection: is the customer on a new registration one the vendor already knows — protected for
 * another partner, reserved to the direct team, in the pipeline, or already a customer?
 *
 * Two steps, kept apart so the index and a plain scan give the same answers:
 * `compareCustomers` scores how likely two customer descriptions are the same company (0..1, with the
 * evidence in words), and `decideConflict` turns the scored matches into a verdict using what each
 * known record means today (a lapsed protection or an expired reservation holds nothing).
 */
import type { RegistrationStatus } from './lifecycle.ts';
import { companyNameTokens, customerDomainKey, domainLabel, normaliseCountry } from './normalise.ts';

export type ConflictVerdict = 'none' | 'possible' | 'conflict';

/** At or above `conflict` two descriptions are taken as one customer; between the two a person should look. */
export const matchThresholds = { conflict: 0.9, possible: 0.7 } as const;

/** What a customer is called and where: the part of any record that conflict detection compares. */
export interface CustomerDescription {
  company: string;
  /** The customer's web domain or a URL ("acme.com", "https://eu.acme.com"). */
  domain?: string | null;
  /** A contact's e-mail address or its domain; free-mail providers are ignored. */
  contactEmail?: string | null;
  country?: string | null;
}

/** Everything the vendor knows that can hold a customer. */
export type KnownRecordKind = 'registration' | 'opportunity' | 'customer' | 'namedAccount';

export interface KnownCustomerRecord extends CustomerDescription {
  id: string;
  kind: KnownRecordKind;
  /** Registrations: the partner that registered. */
  partner?: string | null;
  status?: RegistrationStatus | null;
  /** Registrations: ISO instant; decides who was first. */
  submittedAt?: string | null;
  /** Registrations: ISO instant the protection lapses. */
  protectionEndsAt?: string | null;
  /** Opportunities: still open in the vendor's pipeline. */
  open?: boolean | null;
  /** Named accounts: YYYY-MM-DD, last day of the reservation; null means reserved without end. */
  reservedUntil?: string | null;
  /** Named accounts: the direct seller who owns it. */
  accountOwner?: string | null;
}

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

/**
 * Words that many unrelated companies share ("First National Bank", "Global Systems Group"): a match on
 * them alone is weak evidence, so they weigh less than a distinctive word.
 */
const commonWords = new Set([
  'group',
  'holdings',
  'international',
  'global',
  'worldwide',
  'services',
  'solutions',
  'systems',
  'technologies',
  'consulting',
  'partners',
  'industries',
  'enterprises',
  'bank',
  'capital',
  'management',
  'associates',
  'digital',
  'software',
  'laboratories',
  'national',
  'american',
  'first',
  'united',
  'general',
  'network',
  'networks',
  'communications',
  'media',
  'energy',
  'health',
  'healthcare',
  'financial',
  'insurance',
  'trust',
  'investments',
  'resources',
  'logistics',
  'foods',
  'products',
  'design',
  'studio',
  'agency',
  'ventures',
  'trading',
  'north',
  'south',
  'east',
  'west',
  'new',
  'center',
  'data',
  'cloud',
  'consultants',
  'engineering',
  'manufacturing',
  'airlines',
  'air',
  'motors',
  'pharma',
  'pharmaceuticals',
  'retail',
  'stores',
  'brands',
  'europe',
  'asia',
  'usa',
  'america',
  'grupo',
  'gruppe',
  'groupe',
  'banco',
  'banque',
  'compagnie',
  'electric',
  'electronics',
  'software',
  'computer',
  'computers',
  'online',
  'labs',
  'ai',
  'analytics',
  'marketing',
  'dental',
  'medical',
  'construction',
  'realty',
  'properties',
  'automotive',
  'chemicals',
  // places and descriptors that many unrelated companies put in front of their names
  'central',
  'northern',
  'southern',
  'western',
  'eastern',
  'pacific',
  'atlantic',
  'nordic',
  'metro',
  'urban',
  'royal',
  'crown',
  'imperial',
  'premier',
  'prime',
  'smart',
  'advanced',
  'applied',
  'integrated',
  'precision',
  'strategic',
  'superior',
  'standard',
  'universal',
  'continental',
  'coastal',
  'alpine',
  'summit',
  'pioneer',
  'heritage',
  'liberty',
  'horizon',
  'apex',
  'elite',
  'quality',
  'professional',
  'modern',
  'innovative',
  // what the company does, as opposed to who it is
  'robotics',
  'textiles',
  'aviation',
  'marine',
  'security',
  'beverages',
  'biotech',
  'automation',
  'transport',
  'shipping',
  'materials',
  'equipment',
  'supplies',
  'industrial',
  'apparel',
  'furniture',
  'hospitality',
  'hotels',
  'travel',
  'education',
  'printing',
  'packaging',
  'plastics',
  'metals',
  'mining',
  'power',
  'environmental',
  'farms',
  'foods',
  'therapeutics',
  'biosciences',
  'instruments',
  'scientific',
  'semiconductor',
  'telecom',
]);

/** Joining words that carry no identity at all. */
const joiningWords = new Set([
  'of',
  'the',
  'de',
  'la',
  'le',
  'les',
  'des',
  'du',
  'der',
  'die',
  'das',
  'und',
  'et',
  'y',
  'e',
  'van',
  'von',
  'del',
  'di',
  'da',
  'for',
  'in',
  'at',
]);

/** How much a word says about which company is meant: 1 distinctive, 0.35 common, 0.1 joining. */
export function tokenWeight(token: string): number {
  if (joiningWords.has(token)) return 0.1;
  if (commonWords.has(token)) return 0.35;
  return 1;
}

const noDomains: string[] = [];

export function prepareCustomer(description: CustomerDescription): PreparedCustomer {
  const tokens = companyNameTokens(description.company);
  const distinct = tokens.length > 1 ? [...new Set(tokens)] : tokens;
  // Shared arrays where nothing differs: a million prepared records are most of the index's memory.
  const words = distinct.length === tokens.length ? tokens : distinct;
  let totalWeight = 0;
  for (const word of words) totalWeight += tokenWeight(word);
  let domains = noDomains;
  for (const raw of [description.domain, description.contactEmail]) {
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
    country: normaliseCountry(description.country),
  };
}

/**
 * Levenshtein distance with adjacent transpositions (a typo "Microsfot" is one edit), giving up with
 * `limit + 1` as soon as the distance must exceed `limit`: the scorer only cares about small distances.
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  const beyond = limit + 1;
  if (Math.abs(n - m) > limit) return beyond;
  if (m + 2 > rowCapacity) growRows(m + 2);
  // Three rolling rows, reused across calls, and only the diagonal band |i - j| <= limit is computed:
  // this runs for every candidate word of every check. Cells just outside the band read as `beyond`.
  let beforePrevious = rowA;
  let previous = rowB;
  let current = rowC;
  for (let j = 0; j <= m; j++) previous[j] = j <= limit ? j : beyond;
  for (let i = 1; i <= n; i++) {
    const low = Math.max(1, i - limit);
    const high = Math.min(m, i + limit);
    current[low - 1] = low === 1 ? i : beyond;
    let rowMinimum = low === 1 ? i : beyond;
    const ai = a.charCodeAt(i - 1);
    for (let j = low; j <= high; j++) {
      const cost = ai === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, beforePrevious[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (high < m) current[high + 1] = beyond;
    if (rowMinimum > limit) return beyond;
    const recycled = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = recycled;
  }
  return previous[m] <= limit ? previous[m] : beyond;
}

let rowCapacity = 64;
let rowA = new Int32Array(rowCapacity);
let rowB = new Int32Array(rowCapacity);
let rowC = new Int32Array(rowCapacity);
function growRows(size: number): void {
  rowCapacity = Math.max(size, rowCapacity * 2);
  rowA = new Int32Array(rowCapacity);
  rowB = new Int32Array(rowCapacity);
  rowC = new Int32Array(rowCapacity);
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

/** Share of the words, by weight, that the two names have in common (a weighted Dice coefficient). */
function tokenOverlap(a: PreparedCustomer, b: PreparedCustomer): number {
  if (a.totalWeight === 0 || b.totalWeight === 0) return 0;
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
    matched += tokenWeight(a.words[i]) * best;
  }
  for (let j = 0; j < b.words.length; j++) matched += tokenWeight(b.words[j]) * bestForB[j];
  return matched / (a.totalWeight + b.totalWeight);
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
function isAcronymOf(short: PreparedCustomer, long: PreparedCustomer): boolean {
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
    const words = tokenOverlap(a, b);
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

/** A registration or check subject: who is asking, and since when, so "first valid registration wins". */
export interface ConflictSubject extends CustomerDescription {
  id: string;
  partner?: string | null;
  submittedAt?: string | null;
}

export interface ScoredRecord {
  record: KnownCustomerRecord;
  prepared: PreparedCustomer;
  score: number;
}

export interface ConflictDecision {
  verdict: ConflictVerdict;
  /** The known record the verdict rests on; null when nothing came close. */
  match: KnownCustomerRecord | null;
  score: number;
  /** Plain-language reasons: what matched, and why that record holds the customer. */
  reasons: string[];
}

type Hold = { strength: 'holds' | 'soft'; why: string } | null;

function isoDay(instant: string): string {
  return instant.slice(0, 10);
}

/** Whether, at `now`, the record stands between the subject and the customer, and why. */
export function recordHold(record: KnownCustomerRecord, subject: ConflictSubject, now: string): Hold {
  const nowMs = Date.parse(now);
  switch (record.kind) {
    case 'customer':
      return { strength: 'holds', why: `${record.company} (${record.id}) is already a customer of the vendor` };
    case 'opportunity':
      return record.open === false
        ? null
        : { strength: 'holds', why: `opportunity ${record.id} for ${record.company} is open in the vendor's pipeline` };
    case 'namedAccount': {
      if (record.reservedUntil != null && record.reservedUntil < isoDay(now)) return null;
      const owner = record.accountOwner ? ` (owner: ${record.accountOwner})` : '';
      const until = record.reservedUntil != null ? ` until ${record.reservedUntil}` : '';
      return {
        strength: 'holds',
        why: `${record.company} is a named account reserved to the direct sales team${owner}${until}`,
      };
    }
    case 'registration': {
      if (record.id === subject.id) return null;
      const samePartner = subject.partner != null && record.partner === subject.partner;
      const status = record.status ?? 'draft';
      let why: string | null = null;
      let strength: 'holds' | 'soft' = 'holds';
      if ((status === 'approved' || status === 'converted') && record.protectionEndsAt != null) {
        if (Date.parse(record.protectionEndsAt) > nowMs) {
          why = `registration ${record.id} by partner ${record.partner ?? 'unknown'} is protected until ${isoDay(record.protectionEndsAt)}`;
        }
      } else if (status === 'converted') {
        why = `registration ${record.id} by partner ${record.partner ?? 'unknown'} has been converted to an opportunity`;
      } else if (status === 'submitted' || status === 'in_review') {
        if (isEarlierSubmission(record, subject)) {
          why = `registration ${record.id} by partner ${record.partner ?? 'unknown'} was submitted first (${record.submittedAt ?? 'earlier'}); the first valid registration wins`;
        }
      } else if (status === 'won') {
        why = `registration ${record.id} by partner ${record.partner ?? 'unknown'} was won; the customer may now be an existing customer`;
        strength = 'soft';
      }
      if (why === null) return null;
      if (samePartner)
        return { strength: 'soft', why: `your own ${why.replace(/ by partner \S+/, '')}; this may be a duplicate` };
      return { strength, why };
    }
  }
}

/**
 * Submission order, deterministic even for simultaneous submissions: earlier `submittedAt` first, then
 * the smaller id. Every server that sees the same two registrations picks the same winner.
 */
export function compareSubmissionOrder(
  a: { id: string; submittedAt?: string | null },
  b: { id: string; submittedAt?: string | null },
): number {
  const at = a.submittedAt != null ? Date.parse(a.submittedAt) : Number.POSITIVE_INFINITY;
  const bt = b.submittedAt != null ? Date.parse(b.submittedAt) : Number.POSITIVE_INFINITY;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function isEarlierSubmission(record: KnownCustomerRecord, subject: ConflictSubject): boolean {
  if (record.submittedAt == null) return false;
  if (subject.submittedAt == null) return true;
  return compareSubmissionOrder(record, subject) < 0;
}

const verdictRank: Record<ConflictVerdict, number> = { none: 0, possible: 1, conflict: 2 };

/**
 * The verdict for a subject given scored candidates (from the index or a scan). Ties are broken by
 * score, then by who was first, then by id, so the same world always gives the same answer.
 */
export function decideConflict(
  subject: ConflictSubject,
  preparedSubject: PreparedCustomer,
  candidates: readonly ScoredRecord[],
  now: string,
): ConflictDecision {
  let best: { verdict: ConflictVerdict; candidate: ScoredRecord; why: string } | null = null;
  for (const candidate of candidates) {
    if (candidate.score < matchThresholds.possible) continue;
    if (best !== null) {
      // `isBetter` is a strict total order, so a candidate that could not beat the best so far even with
      // the strongest hold cannot beat the final one: its hold (dates, text) need not be worked out.
      const reachable = verdictRank[candidate.score >= matchThresholds.conflict ? 'conflict' : 'possible'];
      const bestRank = verdictRank[best.verdict];
      if (reachable < bestRank || (reachable === bestRank && candidate.score < best.candidate.score)) continue;
    }
    const hold = recordHold(candidate.record, subject, now);
    if (hold === null) continue;
    const verdict: ConflictVerdict =
      candidate.score >= matchThresholds.conflict && hold.strength === 'holds' ? 'conflict' : 'possible';
    if (best === null || isBetter(verdict, candidate, best.verdict, best.candidate)) {
      best = { verdict, candidate, why: hold.why };
    }
  }
  if (best === null) {
    return {
      verdict: 'none',
      match: null,
      score: 0,
      reasons: ['no protected registration, open opportunity, customer or named account matches this customer'],
    };
  }
  const { reasons } = compareCustomers(preparedSubject, best.candidate.prepared, true);
  const lead =
    best.verdict === 'conflict'
      ? 'same customer'
      : best.candidate.score >= matchThresholds.conflict
        ? 'same customer, but a person should decide'
        : 'possibly the same customer; a person should look';
  return {
    verdict: best.verdict,
    match: best.candidate.record,
    score: best.candidate.score,
    reasons: [`${lead}: ${best.why}`, ...reasons],
  };
}

function isBetter(
  verdict: ConflictVerdict,
  candidate: ScoredRecord,
  bestVerdict: ConflictVerdict,
  best: ScoredRecord,
): boolean {
  if (verdictRank[verdict] !== verdictRank[bestVerdict]) return verdictRank[verdict] > verdictRank[bestVerdict];
  if (candidate.score !== best.score) return candidate.score > best.score;
  return compareSubmissionOrder(candidate.record, best.record) < 0;
}

/** The plain scan: every known record scored. The reference the index must agree with, and fine for small worlds. */
export function checkConflictsByScan(
  subject: ConflictSubject,
  known: readonly { record: KnownCustomerRecord; prepared: PreparedCustomer }[],
  now: string,
): ConflictDecision {
  const preparedSubject = prepareCustomer(subject);
  const scored: ScoredRecord[] = [];
  for (const entry of known) {
    const score = matchScore(preparedSubject, entry.prepared);
    if (score >= matchThresholds.possible) scored.push({ ...entry, score });
  }
  return decideConflict(subject, preparedSubject, scored, now);
}
