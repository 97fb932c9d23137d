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
  /**
   * Scratch space for one check, reset after use: an open-addressing table from slot to its query-side
   * and record-side word gains, sized to the postings read, so it stays small and in cache where a
   * table per slot is 16 MB read at random; and the table positions filled, in order. Nothing grows
   * during a check: allocation in a check over a large heap pays for the collector's marking work.
   */
  gainKeys: Int32Array;
  gainQuery: Float64Array;
  gainRecord: Float64Array;
  gainTouched: Int32Array;
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

function mix(hash: number): number {
  // Mix before taking bits: polynomial hashes of similar words differ mostly in low bits.
  let h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A blocked filter: the first hash picks a 64-counter block (one cache line), and each hash picks a
 * counter inside it, so a test costs one memory access where two independent slots cost two cache
 * misses — a typo search tests over a thousand variants.
 */
const blockBits = 6;
function filterBlock(hashA: number): number {
  return (mix(hashA) >>> (32 - filterBits + blockBits)) << blockBits;
}
function filterOffsetA(hashA: number): number {
  return mix(hashA) & ((1 << blockBits) - 1);
}
function filterOffsetB(hashB: number): number {
  return mix(hashB) & ((1 << blockBits) - 1);
}

/** Whether a word with these two hashes may be indexed (no false "no"). */
function filterMaybe(filter: Uint8Array, hashA: number, hashB: number): boolean {
  const block = filterBlock(hashA | 0);
  return filter[block + filterOffsetA(hashA | 0)] !== 0 && filter[block + filterOffsetB(hashB | 0)] !== 0;
}

function filterChange(index: ConflictIndex, word: string, change: 1 | -1): void {
  const hashA = wordHash(word, baseA);
  const block = filterBlock(hashA);
  const slots = [block + filterOffsetA(hashA), block + filterOffsetB(wordHash(word, baseB))];
  for (const slot of slots) {
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
    gainKeys: new Int32Array(1024).fill(-1),
    gainQuery: new Float64Array(1024),
    gainRecord: new Float64Array(1024),
    gainTouched: new Int32Array(1024),
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
  const consider = (candidate: string) => {
    if (candidate !== word && isIndexed(candidate) && !found.includes(candidate)) found.push(candidate);
  };
  const fullA = a.prefix[n];
  const fullB = b.prefix[n];
  for (let i = 0; i < n; i++) {
    // Deletion of letter i.
    if (
      filterMaybe(
        filter,
        Math.imul(a.prefix[i], a.power[n - 1 - i]) + a.suffix[i + 1],
        Math.imul(b.prefix[i], b.power[n - 1 - i]) + b.suffix[i + 1],
      )
    )
      consider(word.slice(0, i) + word.slice(i + 1));
    // Transposition of letters i and i + 1.
    if (i + 1 < n && codes[i] !== codes[i + 1]) {
      const d = codes[i + 1] - codes[i];
      if (
        filterMaybe(
          filter,
          fullA + Math.imul(d, a.power[n - 1 - i]) - Math.imul(d, a.power[n - 2 - i]),
          fullB + Math.imul(d, b.power[n - 1 - i]) - Math.imul(d, b.power[n - 2 - i]),
        )
      )
        consider(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
    }
    const substituteA = a.power[n - 1 - i];
    const substituteB = b.power[n - 1 - i];
    const insertHeadA = Math.imul(a.prefix[i], a.power[n - i + 1]) + a.suffix[i];
    const insertHeadB = Math.imul(b.prefix[i], b.power[n - i + 1]) + b.suffix[i];
    const insertA = a.power[n - i];
    const insertB = b.power[n - i];
    for (let k = 0; k < alphabet.length; k++) {
      const c = alphabet[k];
      // Substitution of letter i by c.
      if (
        c !== codes[i] &&
        filterMaybe(filter, fullA + Math.imul(c - codes[i], substituteA), fullB + Math.imul(c - codes[i], substituteB))
      )
        consider(word.slice(0, i) + String.fromCharCode(c) + word.slice(i + 1));
      // Insertion of c before letter i.
      if (filterMaybe(filter, insertHeadA + Math.imul(c, insertA), insertHeadB + Math.imul(c, insertB)))
        consider(word.slice(0, i) + String.fromCharCode(c) + word.slice(i));
    }
  }
  for (let k = 0; k < alphabet.length; k++) {
    const c = alphabet[k];
    if (filterMaybe(filter, Math.imul(fullA, baseA) + c, Math.imul(fullB, baseB) + c))
      consider(word + String.fromCharCode(c));
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
  if (slot >= index.nameWeights.length) {
    const size = Math.max(index.nameWeights.length * 2, slot + 1);
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

/*
 * The hot loops of a check live in small, monomorphic functions of their own, over typed arrays that
 * are reused from check to check.
 */

/** The gain table of one check: keys are slots (-1 empty), `mask` its size less one. */
interface GainTable {
  keys: Int32Array;
  query: Float64Array;
  record: Float64Array;
  touched: Int32Array;
  mask: number;
}

/** The index's gain table, grown if needed, with a mask for at least twice `entries` slots. */
function gainTable(index: ConflictIndex, entries: number): GainTable {
  let size = 1024;
  while (size < 2 * entries) size *= 2;
  if (index.gainKeys.length < size) {
    index.gainKeys = new Int32Array(size).fill(-1);
    index.gainQuery = new Float64Array(size);
    index.gainRecord = new Float64Array(size);
    index.gainTouched = new Int32Array(size);
  }
  return {
    keys: index.gainKeys,
    query: index.gainQuery,
    record: index.gainRecord,
    touched: index.gainTouched,
    mask: size - 1,
  };
}

function gainHash(slot: number, mask: number): number {
  const h = Math.imul(slot ^ (slot >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) & mask;
}

/** Adds a posting's gains, noting the table position of each slot seen for the first time. */
function addPosting(
  table: GainTable,
  posting: readonly number[],
  queryGain: number,
  recordGain: number,
  count: number,
): number {
  const { keys, query, record, touched, mask } = table;
  for (let i = 0; i < posting.length; i++) {
    const slot = posting[i];
    let at = gainHash(slot, mask);
    let key = keys[at];
    while (key !== slot && key !== -1) {
      at = (at + 1) & mask;
      key = keys[at];
    }
    if (key === -1) {
      keys[at] = slot;
      touched[count++] = at;
    }
    query[at] += queryGain;
    record[at] += recordGain;
  }
  return count;
}

/** Adds a posting's gains to slots already in the table only. */
function addPostingToTouched(table: GainTable, posting: readonly number[], queryGain: number, recordGain: number) {
  const { keys, query, record, mask } = table;
  for (let i = 0; i < posting.length; i++) {
    const slot = posting[i];
    let at = gainHash(slot, mask);
    let key = keys[at];
    while (key !== slot && key !== -1) {
      at = (at + 1) & mask;
      key = keys[at];
    }
    if (key === slot) {
      query[at] += queryGain;
      record[at] += recordGain;
    }
  }
}

/**
 * Empties the table and returns, as (slot, query gain, record gain) triples, the touched slots whose
 * bound reaches `floor` with every unread skipped source counted as matched.
 */
function boundSurvivors(
  table: GainTable,
  weights: Float32Array,
  count: number,
  queryWeight: number,
  skippedQueryGain: number,
  skippedRecordGain: number,
  floor: number,
): number[] {
  const { keys, query, record, touched } = table;
  const survivors: number[] = [];
  for (let k = 0; k < count; k++) {
    const at = touched[k];
    const slot = keys[at];
    const queryGain = query[at];
    const recordGain = record[at];
    keys[at] = -1;
    query[at] = 0;
    record[at] = 0;
    const otherWeight = weights[slot];
    if (
      (Math.min(queryGain + skippedQueryGain, queryWeight) + Math.min(recordGain + skippedRecordGain, otherWeight)) /
        (queryWeight + otherWeight) >=
      floor
    )
      survivors.push(slot, queryGain, recordGain);
  }
  return survivors;
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
  let readEntries = 0;
  for (const source of read) readEntries += source.size;
  const table = gainTable(index, readEntries);
  let touched = 0;
  const single: number[] = [0];
  for (const source of read) {
    const posting = index.byWord.get(source.word);
    if (posting === undefined) continue;
    if (typeof posting === 'number') single[0] = posting;
    touched = addPosting(
      table,
      typeof posting === 'number' ? single : posting,
      source.queryGain,
      source.recordGain,
      touched,
    );
  }
  // A skipped source may still add to records already found. Scanning its posting for them is cheaper
  // than looking inside each record when the posting is short next to the number of records found.
  let skippedQueryGain = 0;
  let skippedRecordGain = 0;
  const skippedByWord = new Map<string, { queryGain: number; recordGain: number }>();
  for (const source of skipped.sort((a, b) => a.size - b.size)) {
    const posting = index.byWord.get(source.word);
    // Reading a posting is a sequential pass over small integers; looking inside a record chases
    // several pointers into a million-record heap (about a microsecond per record in the benchmark's
    // slowest checks, when this rule was "four times the records found"). So a skipped
    // posting is scanned unless it is far longer than the number of records found.
    if (Array.isArray(posting) && posting.length <= touched * 48) {
      addPostingToTouched(table, posting, source.queryGain, source.recordGain);
      continue;
    }
    skippedQueryGain += source.queryGain;
    skippedRecordGain += source.recordGain;
    skippedByWord.set(source.word, source);
  }
  // Keep a record only if its bound could reach "possible": first with every skipped source counted
  // as matched, without touching the record, then with the skipped words it really has.
  const weights = index.nameWeights;
  const survivors = boundSurvivors(table, weights, touched, queryWeight, skippedQueryGain, skippedRecordGain, floor);
  for (let k = 0; k < survivors.length; k += 3) {
    const slot = survivors[k];
    let queryGain = survivors[k + 1];
    let recordGain = survivors[k + 2];
    const otherWeight = weights[slot];
    const total = queryWeight + otherWeight;
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
