/**
 * An in-memory index of every record that can hold a customer, so a conflict check against a million
 * records typically costs a fraction of a millisecond (see scripts/bench/conflicts.ts). It only narrows the field: each candidate it finds is scored
 * by the same `compareCustomers` a plain scan uses, and `decideConflict` gives the verdict.
 *
 * Candidates come from blocking keys — the registrable domain, the normalised name, the name without
 * spaces (and its one-edit spellings), the initials — and from a word index. Typos of a distinctive word
 * are found by generating its one-edit variants as hashes and testing them against a counting Bloom
 * filter of indexed words, so nothing is stored per variant. Frequent words are only read when the
 * rest of the name could not reach the "possible" threshold without them, which is what keeps
 * "Group" or "Systems" cheap; a per-record upper bound on the score then discards most of what the
 * words found before anything is scored.
 *
 * Known limits, measured against the plain scan in the tests and the benchmark: spellings two edits
 * apart are found only through another shared word, the domain or the exact name; typos are looked for
 * in distinctive words only.
 *
 * State is explicit and mutable (the index is a cache of the known world); records are added, replaced
 * and removed one at a time as they change, with no rebuild.
 */
import {
  compareCustomers,
  decideConflict,
  matchThresholds,
  prepareCustomer,
  tokenSimilarity,
  tokenWeight,
  typoAllowance,
  type ConflictDecision,
  type ConflictSubject,
  type KnownCustomerRecord,
  type PreparedCustomer,
  type ScoredRecord,
} from './conflicts.ts';

/** One slot or several: most keys point at a single record, and a bare number costs far less than an array. */
type Posting = number | number[];

interface IndexedEntry {
  record: KnownCustomerRecord;
  prepared: PreparedCustomer;
}

export interface ConflictIndex {
  entries: (IndexedEntry | undefined)[];
  slotById: Map<string, number>;
  freeSlots: number[];
  byDomain: Map<string, Posting>;
  byKey: Map<string, Posting>;
  byCompact: Map<string, Posting>;
  byInitials: Map<string, Posting>;
  byWord: Map<string, Posting>;
  /** Characters that occur in indexed words, with counts: the alphabet typo candidates are built from. */
  letters: Map<string, number>;
  /** A counting Bloom filter of indexed words, so typo candidates are tested by hash before any string is built. */
  wordFilter: Uint8Array;
  /** Scratch space for one check: the query-side and record-side word gains per slot, reset after use. */
  scratch: Float64Array;
  scratchRecordSide: Float64Array;
  /** Total name weight per slot, kept contiguous so most candidates are ruled out without touching their record. */
  nameWeights: Float32Array;
}

/** 2^24 one-byte counters (16 MB): with two hashes, about one false "maybe" per thousand typo candidates at a million words. */
const filterBits = 24;
const baseA = 131;
const baseB = 1_000_003;

/** Polynomial hashes of every prefix and suffix, so each one-edit variant's hash costs O(1). */
function hashTables(codes: readonly number[], base: number) {
  const n = codes.length;
  const prefix = new Int32Array(n + 1);
  const suffix = new Int32Array(n + 1);
  const power = new Int32Array(n + 2);
  power[0] = 1;
  for (let i = 1; i <= n + 1; i++) power[i] = Math.imul(power[i - 1], base);
  for (let i = 0; i < n; i++) prefix[i + 1] = (Math.imul(prefix[i], base) + codes[i]) | 0;
  for (let i = n - 1; i >= 0; i--) suffix[i] = (suffix[i + 1] + Math.imul(codes[i], power[n - 1 - i])) | 0;
  return { prefix, suffix, power };
}

function wordHash(word: string, base: number): number {
  let hash = 0;
  for (let i = 0; i < word.length; i++) hash = (Math.imul(hash, base) + word.charCodeAt(i)) | 0;
  return hash;
}

function filterSlot(hash: number): number {
  // Mix before taking the top bits: polynomial hashes of similar words differ mostly in low bits.
  let h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> (32 - filterBits);
}

function filterChange(index: ConflictIndex, word: string, change: 1 | -1): void {
  for (const base of [baseA, baseB]) {
    const slot = filterSlot(wordHash(word, base));
    const count = index.wordFilter[slot];
    // A saturated counter stays saturated: it only ever answers "maybe", which the word map then settles.
    if (count === 255) continue;
    index.wordFilter[slot] = count + change;
  }
}

/** Postings longer than this are skipped when the rest of the name makes that safe. */
const frequentWordPostings = 2_000;

export function createConflictIndex(): ConflictIndex {
  return {
    entries: [],
    slotById: new Map(),
    freeSlots: [],
    byDomain: new Map(),
    byKey: new Map(),
    byCompact: new Map(),
    byInitials: new Map(),
    byWord: new Map(),
    letters: new Map(),
    wordFilter: new Uint8Array(1 << filterBits),
    scratch: new Float64Array(1024),
    scratchRecordSide: new Float64Array(1024),
    nameWeights: new Float32Array(1024),
  };
}

export function indexedRecordCount(index: ConflictIndex): number {
  return index.slotById.size;
}

function postingAdd(map: Map<string, Posting>, key: string, slot: number): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, slot);
  else if (typeof existing === 'number') {
    if (existing !== slot) map.set(key, [existing, slot]);
  } else if (!existing.includes(slot)) existing.push(slot);
}

function postingRemove(map: Map<string, Posting>, key: string, slot: number): void {
  const existing = map.get(key);
  if (existing === undefined) return;
  if (typeof existing === 'number') {
    if (existing === slot) map.delete(key);
    return;
  }
  const at = existing.indexOf(slot);
  if (at < 0) return;
  existing[at] = existing[existing.length - 1];
  existing.pop();
  if (existing.length === 1) map.set(key, existing[0]);
}

function postingSize(posting: Posting | undefined): number {
  return posting === undefined ? 0 : typeof posting === 'number' ? 1 : posting.length;
}

function forEachSlot(posting: Posting | undefined, visit: (slot: number) => void): void {
  if (posting === undefined) return;
  if (typeof posting === 'number') visit(posting);
  else for (const slot of posting) visit(slot);
}

function countLetters(index: ConflictIndex, word: string, change: 1 | -1): void {
  for (const letter of new Set(word)) {
    const count = (index.letters.get(letter) ?? 0) + change;
    if (count > 0) index.letters.set(letter, count);
    else index.letters.delete(letter);
  }
}

/**
 * Indexed words one edit away from `word` (deletion, transposition, substitution, insertion over the
 * indexed alphabet). Each variant's two hashes are computed arithmetically and tested against the word
 * filter; only the rare "maybe" builds a string and asks the word map. Nothing is stored per variant,
 * which is what keeps typo tolerance from costing hundreds of megabytes at a million names.
 */
function indexedWordsOneEditAway(
  index: ConflictIndex,
  word: string,
  alphabet: readonly number[],
  isIndexed: (candidate: string) => boolean,
): string[] {
  const n = word.length;
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push(word.charCodeAt(i));
  const a = hashTables(codes, baseA);
  const b = hashTables(codes, baseB);
  const filter = index.wordFilter;
  const found: string[] = [];
  const maybe = (hashA: number, hashB: number, build: () => string) => {
    if (filter[filterSlot(hashA | 0)] === 0 || filter[filterSlot(hashB | 0)] === 0) return;
    const candidate = build();
    if (candidate !== word && isIndexed(candidate) && !found.includes(candidate)) found.push(candidate);
  };
  const fullA = a.prefix[n];
  const fullB = b.prefix[n];
  for (let i = 0; i < n; i++) {
    const head = () => word.slice(0, i);
    maybe(
      Math.imul(a.prefix[i], a.power[n - 1 - i]) + a.suffix[i + 1],
      Math.imul(b.prefix[i], b.power[n - 1 - i]) + b.suffix[i + 1],
      () => head() + word.slice(i + 1),
    );
    if (i + 1 < n && codes[i] !== codes[i + 1]) {
      const d = codes[i + 1] - codes[i];
      maybe(
        fullA + Math.imul(d, a.power[n - 1 - i]) - Math.imul(d, a.power[n - 2 - i]),
        fullB + Math.imul(d, b.power[n - 1 - i]) - Math.imul(d, b.power[n - 2 - i]),
        () => head() + word[i + 1] + word[i] + word.slice(i + 2),
      );
    }
    for (const c of alphabet) {
      if (c !== codes[i]) {
        maybe(
          fullA + Math.imul(c - codes[i], a.power[n - 1 - i]),
          fullB + Math.imul(c - codes[i], b.power[n - 1 - i]),
          () => head() + String.fromCharCode(c) + word.slice(i + 1),
        );
      }
      maybe(
        Math.imul(a.prefix[i], a.power[n - i + 1]) + Math.imul(c, a.power[n - i]) + a.suffix[i],
        Math.imul(b.prefix[i], b.power[n - i + 1]) + Math.imul(c, b.power[n - i]) + b.suffix[i],
        () => head() + String.fromCharCode(c) + word.slice(i),
      );
    }
  }
  for (const c of alphabet) {
    maybe((Math.imul(fullA, baseA) + c) | 0, (Math.imul(fullB, baseB) + c) | 0, () => word + String.fromCharCode(c));
  }
  return found;
}

/** Words that may carry a typo are reachable from their deletion variants. */
function typoTolerant(word: string): boolean {
  return typoAllowance(word.length) > 0;
}

/** Initials of a multi-word name, with and without joining words: "bank of america" → "boa", "ba". */
function initialsOf(prepared: PreparedCustomer): string[] {
  if (prepared.tokens.length < 2) return [];
  const all = prepared.tokens.map((t) => t[0]).join('');
  const meaningful = prepared.tokens
    .filter((t) => tokenWeight(t) > 0.1)
    .map((t) => t[0])
    .join('');
  const result = [all];
  if (meaningful !== all && meaningful.length >= 2) result.push(meaningful);
  return result.filter((initials) => initials.length >= 2 && initials.length <= 6);
}

/** Adds a record, or replaces the one with the same id (a registration whose status or name changed). */
export function upsertRecord(index: ConflictIndex, record: KnownCustomerRecord): void {
  if (index.slotById.has(record.id)) removeRecord(index, record.id);
  const prepared = prepareCustomer(record);
  const slot = index.freeSlots.pop() ?? index.entries.length;
  const entry: IndexedEntry = { record, prepared };
  index.entries[slot] = entry;
  index.slotById.set(record.id, slot);
  if (slot >= index.scratch.length) {
    const size = Math.max(index.scratch.length * 2, slot + 1);
    index.scratch = new Float64Array(size);
    index.scratchRecordSide = new Float64Array(size);
    const weights = new Float32Array(size);
    weights.set(index.nameWeights);
    index.nameWeights = weights;
  }
  index.nameWeights[slot] = prepared.totalWeight;
  for (const domain of prepared.domains) postingAdd(index.byDomain, domain, slot);
  filterChange(index, prepared.compact, 1);
  postingAdd(index.byKey, prepared.key, slot);
  if (prepared.compact !== prepared.key) postingAdd(index.byCompact, prepared.compact, slot);
  for (const initials of initialsOf(prepared)) postingAdd(index.byInitials, initials, slot);
  for (const word of prepared.words) {
    if (!index.byWord.has(word)) {
      countLetters(index, word, 1);
      filterChange(index, word, 1);
    }
    postingAdd(index.byWord, word, slot);
  }
}

/** Forgets a record (deleted, or no longer relevant); unknown ids are ignored. */
export function removeRecord(index: ConflictIndex, id: string): void {
  const slot = index.slotById.get(id);
  if (slot === undefined) return;
  const entry = index.entries[slot]!;
  const { prepared } = entry;
  for (const domain of prepared.domains) postingRemove(index.byDomain, domain, slot);
  filterChange(index, prepared.compact, -1);
  postingRemove(index.byKey, prepared.key, slot);
  postingRemove(index.byCompact, prepared.compact, slot);
  for (const initials of initialsOf(prepared)) postingRemove(index.byInitials, initials, slot);
  for (const word of prepared.words) {
    postingRemove(index.byWord, word, slot);
    if (!index.byWord.has(word)) {
      countLetters(index, word, -1);
      filterChange(index, word, -1);
    }
  }
  index.entries[slot] = undefined;
  index.slotById.delete(id);
  index.freeSlots.push(slot);
}

/** Indexed words the scorer would take for `word` — itself and its one-edit typos — with their similarity. */
function wordNeighbours(
  index: ConflictIndex,
  word: string,
  alphabet: readonly number[],
): { word: string; similarity: number }[] {
  const found: { word: string; similarity: number }[] = index.byWord.has(word) ? [{ word, similarity: 1 }] : [];
  // Typos are looked for in distinctive words only: a typo in "Systems" moves a score by a few hundredths.
  if (tokenWeight(word) < 1) return found;
  if (!typoTolerant(word)) {
    // Short words only meet a longer one with a letter added at the end (see `tokenSimilarity`).
    if (word.length < 5) return found;
    for (const letter of alphabet) {
      const longer = word + String.fromCharCode(letter);
      if (index.byWord.has(longer)) found.push({ word: longer, similarity: tokenSimilarity(word, longer) });
    }
    return found;
  }
  for (const candidate of indexedWordsOneEditAway(index, word, alphabet, (c) => index.byWord.has(c))) {
    const similarity = tokenSimilarity(word, candidate);
    if (similarity > 0) found.push({ word: candidate, similarity });
  }
  return found;
}

/** The records worth scoring for `prepared`: every one the scorer could put at or above "possible". */
export function candidateSlots(index: ConflictIndex, prepared: PreparedCustomer): Set<number> {
  const slots = new Set<number>();
  const take = (posting: Posting | undefined) => forEachSlot(posting, (slot) => slots.add(slot));
  for (const domain of prepared.domains) take(index.byDomain.get(domain));
  take(index.byKey.get(prepared.key));
  take(index.byCompact.get(prepared.key));
  take(index.byKey.get(prepared.compact));
  take(index.byCompact.get(prepared.compact));
  if (prepared.tokens.length === 1) take(index.byInitials.get(prepared.tokens[0]));
  for (const initials of initialsOf(prepared)) take(index.byKey.get(initials));
  const alphabet = [...index.letters.keys()]
    .filter((letter) => letter.length === 1)
    .map((letter) => letter.charCodeAt(0));
  // Names spelt one edit apart as a whole ("Marinne Chemicals" and "Marine Chemicals"), which the word
  // index cannot see when the misspelt word is a common one.
  if (prepared.compact.length >= 6) {
    const isIndexed = (candidate: string) => index.byKey.has(candidate) || index.byCompact.has(candidate);
    for (const spelling of indexedWordsOneEditAway(index, prepared.compact, alphabet, isIndexed)) {
      take(index.byKey.get(spelling));
      take(index.byCompact.get(spelling));
    }
  }

  // Words: each indexed word that some query word matches (itself or within one typo) is a source of
  // candidates. Its gain bounds what it adds to the Dice numerator: on the query side the similarity
  // times each query word's weight, on the record side the similarity times its own weight, once.
  // Frequent sources are skipped, largest first, only while no record matched through skipped sources
  // alone could reach "possible": the best such record takes the skipped sources with the highest gain
  // per weight they add to its denominator.
  const floor = matchThresholds.possible - (prepared.domains.length > 0 ? 0.05 : 0);
  const queryWeight = prepared.totalWeight;
  const bySource = new Map<
    string,
    { word: string; queryGain: number; recordGain: number; added: number; size: number }
  >();
  for (const queryWord of prepared.words) {
    const weight = tokenWeight(queryWord);
    for (const neighbour of wordNeighbours(index, queryWord, alphabet)) {
      const neighbourWeight = tokenWeight(neighbour.word);
      const source = bySource.get(neighbour.word);
      if (source === undefined) {
        bySource.set(neighbour.word, {
          word: neighbour.word,
          queryGain: neighbour.similarity * weight,
          recordGain: neighbour.similarity * neighbourWeight,
          added: neighbourWeight,
          size: postingSize(index.byWord.get(neighbour.word)),
        });
      } else {
        source.queryGain += neighbour.similarity * weight;
        source.recordGain = Math.max(source.recordGain, neighbour.similarity * neighbourWeight);
      }
    }
  }
  const sources = [...bySource.values()].sort((a, b) => b.size - a.size);
  const skipped: typeof sources = [];
  const read: typeof sources = [];
  const couldReachFloor = (set: typeof sources) => {
    const byRatio = [...set].sort(
      (a, b) => (b.queryGain + b.recordGain) / b.added - (a.queryGain + a.recordGain) / a.added,
    );
    let queryGain = 0;
    let recordGain = 0;
    let added = 0;
    for (const source of byRatio) {
      queryGain += source.queryGain;
      recordGain += source.recordGain;
      added += source.added;
      if ((Math.min(queryGain, queryWeight) + recordGain) / (queryWeight + added) >= floor - 1e-9) return true;
    }
    return false;
  };
  for (const source of sources) {
    if (source.size > frequentWordPostings && !couldReachFloor([...skipped, source])) skipped.push(source);
    else read.push(source);
  }
  const queryScratch = index.scratch;
  const recordScratch = index.scratchRecordSide;
  const touched: number[] = [];
  for (const source of read) {
    const posting = index.byWord.get(source.word);
    if (posting === undefined) continue;
    const { queryGain, recordGain } = source;
    if (typeof posting === 'number') {
      if (recordScratch[posting] === 0) touched.push(posting);
      queryScratch[posting] += queryGain;
      recordScratch[posting] += recordGain;
      continue;
    }
    for (let i = 0; i < posting.length; i++) {
      const slot = posting[i];
      if (recordScratch[slot] === 0) touched.push(slot);
      queryScratch[slot] += queryGain;
      recordScratch[slot] += recordGain;
    }
  }
  // A skipped source may still add to records already found. Scanning its posting for them is cheaper
  // than looking inside each record when the posting is short next to the number of records found.
  let skippedQueryGain = 0;
  let skippedRecordGain = 0;
  const skippedByWord = new Map<string, { queryGain: number; recordGain: number }>();
  for (const source of skipped.sort((a, b) => a.size - b.size)) {
    const posting = index.byWord.get(source.word);
    if (Array.isArray(posting) && posting.length <= touched.length * 4) {
      for (let i = 0; i < posting.length; i++) {
        const slot = posting[i];
        if (recordScratch[slot] !== 0) {
          queryScratch[slot] += source.queryGain;
          recordScratch[slot] += source.recordGain;
        }
      }
      continue;
    }
    skippedQueryGain += source.queryGain;
    skippedRecordGain += source.recordGain;
    skippedByWord.set(source.word, source);
  }
  // Keep a record only if its bound could reach "possible": first with every skipped source counted
  // as matched, without touching the record, then with the skipped words it really has.
  const weights = index.nameWeights;
  for (const slot of touched) {
    let queryGain = queryScratch[slot];
    let recordGain = recordScratch[slot];
    queryScratch[slot] = 0;
    recordScratch[slot] = 0;
    const otherWeight = weights[slot];
    const total = queryWeight + otherWeight;
    if (
      (Math.min(queryGain + skippedQueryGain, queryWeight) + Math.min(recordGain + skippedRecordGain, otherWeight)) /
        total <
      floor
    )
      continue;
    if (skippedByWord.size > 0) {
      for (const word of index.entries[slot]!.prepared.words) {
        const source = skippedByWord.get(word);
        if (source !== undefined) {
          queryGain += source.queryGain;
          recordGain += source.recordGain;
        }
      }
    }
    if ((Math.min(queryGain, queryWeight) + Math.min(recordGain, otherWeight)) / total >= floor) slots.add(slot);
  }
  return slots;
}

/** Scores the candidates for a subject. Exposed for tools that compare the index with a plain scan. */
export function scoreCandidates(index: ConflictIndex, prepared: PreparedCustomer): ScoredRecord[] {
  const scored: ScoredRecord[] = [];
  for (const slot of candidateSlots(index, prepared)) {
    const entry = index.entries[slot]!;
    const { score } = compareCustomers(prepared, entry.prepared);
    if (score >= matchThresholds.possible) scored.push({ record: entry.record, prepared: entry.prepared, score });
  }
  return scored;
}

/** The conflict verdict for a subject against everything indexed, as of `now`. */
export function checkConflict(index: ConflictIndex, subject: ConflictSubject, now: string): ConflictDecision {
  const prepared = prepareCustomer(subject);
  return decideConflict(subject, prepared, scoreCandidates(index, prepared), now);
}

/** Every indexed record with its prepared form, for a plain scan with the same scorer. */
export function indexedEntries(index: ConflictIndex): { record: KnownCustomerRecord; prepared: PreparedCustomer }[] {
  return index.entries.filter((entry): entry is IndexedEntry => entry !== undefined);
}
