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
  matchScore,
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

/**
 * A word's records in ascending slot order, with each record's total name weight beside it, so a
 * check reads the weights in the same sequential pass as the slots instead of one cache miss each.
 */
interface WordList {
  slots: number[];
  weights: number[];
}
type WordPosting = number | WordList;

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
  byWord: Map<string, WordPosting>;
  /** Characters that occur in indexed words, with counts: the alphabet typo candidates are built from. */
  letters: Map<string, number>;
  /** A counting Bloom filter of indexed words, so typo candidates are tested by hash before any string is built. */
  wordFilter: Uint8Array;
  /** log2 of the filter's size; it grows with the index (see `growFilter`). */
  filterBits: number;
  /**
   * Scratch space for one check, reused from check to check: the records the read word lists found, in
   * slot order, with their query-side and record-side gains; the position reached in each list; and the
   * candidates found. Nothing grows during a check once these have reached their working size:
   * allocation in a check over a large heap pays for the collector's marking work.
   */
  foundSlots: Int32Array;
  /** Records found only through short word lists, which are settled one by one. */
  fewSlots: Int32Array;
  fewQuery: Float64Array;
  fewRecord: Float64Array;
  listPositions: Int32Array;
  candidates: Int32Array;
  /** The indexed alphabet as character codes, rebuilt only after a letter appears or disappears. */
  alphabet: number[] | null;
  /** Total name weight per slot, kept contiguous so most candidates are ruled out without touching their record. */
  nameWeights: Float32Array;
}

/**
 * The word filter's size: at least 2^16 one-byte counters (64 KB) and at most 2^26 (64 MB), 32 counters
 * per name or word indexed, four of them set for each (see `filterMaybe`). A small index keeps a filter
 * that stays in the processor's cache; a million names need the largest.
 */
const smallestFilterBits = 16;
const largestFilterBits = 26;
const countersPerEntry = 32;
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
const blockMask = (1 << blockBits) - 1;
function filterBlock(mixedA: number, bits: number): number {
  return (mixedA >>> (32 - bits + blockBits)) << blockBits;
}

/**
 * Whether a word with these two hashes may be indexed (no false "no"). Four counters of the block, one
 * from the first hash and three from the second's bits: every false "maybe" costs a string built and
 * two lookups in maps of a million names, so false answers are kept rare (about 1 in 4,000 at a million
 * names, against 1 in 20 with two counters in a quarter of the size).
 */
function filterMaybe(filter: Uint8Array, bits: number, hashA: number, hashB: number): boolean {
  const a = mix(hashA | 0);
  const b = mix(hashB | 0);
  const block = filterBlock(a, bits);
  return (
    filter[block + (a & blockMask)] !== 0 &&
    filter[block + (b & blockMask)] !== 0 &&
    filter[block + ((b >>> blockBits) & blockMask)] !== 0 &&
    filter[block + ((b >>> (2 * blockBits)) & blockMask)] !== 0
  );
}

function filterChange(index: ConflictIndex, word: string, change: 1 | -1): void {
  const a = mix(wordHash(word, baseA));
  const b = mix(wordHash(word, baseB));
  const block = filterBlock(a, index.filterBits);
  // A counter two of the offsets share is counted twice, and taken back twice on removal.
  for (const offset of [
    a & blockMask,
    b & blockMask,
    (b >>> blockBits) & blockMask,
    (b >>> (2 * blockBits)) & blockMask,
  ]) {
    const slot = block + offset;
    const count = index.wordFilter[slot];
    // A saturated counter stays saturated: it only ever answers "maybe", which the word map then settles.
    if (count === 255) continue;
    index.wordFilter[slot] = count + change;
  }
}

/**
 * Postings longer than this are skipped when the rest of the name makes that safe (they are then only
 * searched for the records the rest of the name finds). 200 rather than 2,000: two-surname names
 * ("Novák & Jansen") then read one surname's list and search the other's instead of merging both —
 * 28% faster for them, the same results on the benchmark's 10,000 checks. At least `shortList`.
 */
const frequentWordPostings = 200;

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
    wordFilter: new Uint8Array(1 << smallestFilterBits),
    filterBits: smallestFilterBits,
    foundSlots: new Int32Array(1024),
    fewSlots: new Int32Array(1024),
    fewQuery: new Float64Array(1024),
    fewRecord: new Float64Array(1024),
    listPositions: new Int32Array(64),
    candidates: new Int32Array(1024),
    alphabet: null,
    nameWeights: new Float32Array(1024),
  };
}

export function indexedRecordCount(index: ConflictIndex): number {
  return index.slotById.size;
}

/** First position in a list sorted ascending, at or after `from`, whose slot is not below `slot`. */
function seek(list: readonly number[], from: number, slot: number): number {
  // Galloping: the slots looked for come in ascending order, usually a short way ahead.
  let low = from;
  let step = 1;
  let high = from;
  while (high < list.length && list[high] < slot) {
    low = high + 1;
    high += step;
    step *= 2;
  }
  if (high > list.length) high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle] < slot) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Postings are kept in ascending slot order, so a check can merge them and seek in them. */
function postingAdd(map: Map<string, Posting>, key: string, slot: number): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, slot);
  else if (typeof existing === 'number') {
    if (existing !== slot) map.set(key, existing < slot ? [existing, slot] : [slot, existing]);
  } else if (existing[existing.length - 1] < slot) existing.push(slot);
  else {
    // A reused slot: rare, and a copy within one list.
    const at = seek(existing, 0, slot);
    if (existing[at] !== slot) existing.splice(at, 0, slot);
  }
}

function postingRemove(map: Map<string, Posting>, key: string, slot: number): void {
  const existing = map.get(key);
  if (existing === undefined) return;
  if (typeof existing === 'number') {
    if (existing === slot) map.delete(key);
    return;
  }
  const at = seek(existing, 0, slot);
  if (existing[at] !== slot) return;
  existing.splice(at, 1);
  if (existing.length === 1) map.set(key, existing[0]);
}

function wordAdd(index: ConflictIndex, word: string, slot: number, weight: number): void {
  const existing = index.byWord.get(word);
  if (existing === undefined) index.byWord.set(word, slot);
  else if (typeof existing === 'number') {
    if (existing === slot) return;
    const other = index.nameWeights[existing];
    index.byWord.set(
      word,
      existing < slot
        ? { slots: [existing, slot], weights: [other, weight] }
        : { slots: [slot, existing], weights: [weight, other] },
    );
  } else if (existing.slots[existing.slots.length - 1] < slot) {
    existing.slots.push(slot);
    existing.weights.push(weight);
  } else {
    // A reused slot: rare, and a copy within one list.
    const at = seek(existing.slots, 0, slot);
    if (existing.slots[at] === slot) return;
    existing.slots.splice(at, 0, slot);
    existing.weights.splice(at, 0, weight);
  }
}

function wordRemove(index: ConflictIndex, word: string, slot: number): void {
  const existing = index.byWord.get(word);
  if (existing === undefined) return;
  if (typeof existing === 'number') {
    if (existing === slot) index.byWord.delete(word);
    return;
  }
  const at = seek(existing.slots, 0, slot);
  if (existing.slots[at] !== slot) return;
  existing.slots.splice(at, 1);
  existing.weights.splice(at, 1);
  if (existing.slots.length === 1) index.byWord.set(word, existing.slots[0]);
}

function wordPostingSize(posting: WordPosting | undefined): number {
  return posting === undefined ? 0 : typeof posting === 'number' ? 1 : posting.slots.length;
}

function countLetters(index: ConflictIndex, word: string, change: 1 | -1): void {
  for (const letter of new Set(word)) {
    const count = (index.letters.get(letter) ?? 0) + change;
    if (count > 0) index.letters.set(letter, count);
    else index.letters.delete(letter);
    if (count === 0 || (count === 1 && change === 1)) index.alphabet = null;
  }
}

/** Characters that occur in indexed words, as codes: what typo candidates are built from. */
function alphabetOf(index: ConflictIndex): readonly number[] {
  index.alphabet ??= [...index.letters.keys()]
    .filter((letter) => letter.length === 1)
    .map((letter) => letter.charCodeAt(0));
  return index.alphabet;
}

/** Scratch for the variants of one typo search: their two hashes and what edit each one is. */
let variantHashA = new Int32Array(4096);
let variantHashB = new Int32Array(4096);
let variantEdit = new Int32Array(4096);

/** Where the prefetching passes leave their sums (see `indexedWordsOneEditAway`, `scoreCandidates`). */
let _blocksTouched = 0;
const deletion = 0;
const transposition = 1;
const substitution = 2;
const insertion = 3;

/**
 * Indexed words one edit away from `word` (deletion, transposition, substitution, insertion over the
 * indexed alphabet). Each variant's two hashes are computed arithmetically and tested against the word
 * filter; only the rare "maybe" builds a string and asks the word map. Nothing is stored per variant,
 * which is what keeps typo tolerance from costing hundreds of megabytes at a million names.
 *
 * The search runs in three passes: work out every variant's hashes, touch every variant's filter block,
 * then test. A name of 20 letters has over a thousand variants, each in a block of the 64 MB filter that
 * is rarely in cache; loads that do not depend on one another are fetched from memory side by side,
 * where tests one after the other would wait for each miss in turn.
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
  const most = 2 * n + (2 * n + 1) * alphabet.length;
  if (variantHashA.length < most) {
    variantHashA = new Int32Array(most * 2);
    variantHashB = new Int32Array(most * 2);
    variantEdit = new Int32Array(most * 2);
  }
  const hashA = variantHashA;
  const hashB = variantHashB;
  const edit = variantEdit;
  let count = 0;
  const add = (ha: number, hb: number, kind: number, at: number, letter: number) => {
    hashA[count] = ha;
    hashB[count] = hb;
    edit[count] = kind | (at << 3) | (letter << 16);
    count++;
  };
  const fullA = a.prefix[n];
  const fullB = b.prefix[n];
  for (let i = 0; i < n; i++) {
    add(
      Math.imul(a.prefix[i], a.power[n - 1 - i]) + a.suffix[i + 1],
      Math.imul(b.prefix[i], b.power[n - 1 - i]) + b.suffix[i + 1],
      deletion,
      i,
      0,
    );
    if (i + 1 < n && codes[i] !== codes[i + 1]) {
      const d = codes[i + 1] - codes[i];
      add(
        fullA + Math.imul(d, a.power[n - 1 - i]) - Math.imul(d, a.power[n - 2 - i]),
        fullB + Math.imul(d, b.power[n - 1 - i]) - Math.imul(d, b.power[n - 2 - i]),
        transposition,
        i,
        0,
      );
    }
    const substituteA = a.power[n - 1 - i];
    const substituteB = b.power[n - 1 - i];
    const insertHeadA = Math.imul(a.prefix[i], a.power[n - i + 1]) + a.suffix[i];
    const insertHeadB = Math.imul(b.prefix[i], b.power[n - i + 1]) + b.suffix[i];
    const insertA = a.power[n - i];
    const insertB = b.power[n - i];
    for (let k = 0; k < alphabet.length; k++) {
      const c = alphabet[k];
      if (c !== codes[i])
        add(
          fullA + Math.imul(c - codes[i], substituteA),
          fullB + Math.imul(c - codes[i], substituteB),
          substitution,
          i,
          c,
        );
      add(insertHeadA + Math.imul(c, insertA), insertHeadB + Math.imul(c, insertB), insertion, i, c);
    }
  }
  for (let k = 0; k < alphabet.length; k++) {
    const c = alphabet[k];
    add(Math.imul(fullA, baseA) + c, Math.imul(fullB, baseB) + c, insertion, n, c);
  }
  // Touch every block first (kept in a module variable, so the loads are not optimised away).
  let touched = 0;
  const bits = index.filterBits;
  for (let v = 0; v < count; v++) touched += filter[filterBlock(mix(hashA[v] | 0), bits)];
  _blocksTouched = touched;
  const found: string[] = [];
  for (let v = 0; v < count; v++) {
    if (!filterMaybe(filter, bits, hashA[v], hashB[v])) continue;
    const kind = edit[v] & 7;
    const at = (edit[v] >>> 3) & 0x1fff;
    const letter = String.fromCharCode(edit[v] >>> 16);
    const candidate =
      kind === deletion
        ? word.slice(0, at) + word.slice(at + 1)
        : kind === transposition
          ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2)
          : kind === substitution
            ? word.slice(0, at) + letter + word.slice(at + 1)
            : word.slice(0, at) + letter + word.slice(at);
    if (candidate !== word && isIndexed(candidate) && !found.includes(candidate)) found.push(candidate);
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
  const weight = index.nameWeights[slot];
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
    wordAdd(index, word, slot, weight);
  }
  growFilter(index);
}

/** Rebuilds the word filter four times larger once the index has outgrown it (never smaller). */
function growFilter(index: ConflictIndex): void {
  const entries = index.slotById.size + index.byWord.size;
  let bits = index.filterBits;
  while (bits < largestFilterBits && entries * countersPerEntry > 1 << bits) bits += 2;
  if (bits === index.filterBits) return;
  index.filterBits = Math.min(bits, largestFilterBits);
  index.wordFilter = new Uint8Array(1 << index.filterBits);
  for (const entry of index.entries) if (entry !== undefined) filterChange(index, entry.prepared.compact, 1);
  for (const word of index.byWord.keys()) filterChange(index, word, 1);
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
    wordRemove(index, word, slot);
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

/** Grows the scratch arrays (never shrinks them) to hold `entries` records and `lists` word lists. */
function reserveScratch(index: ConflictIndex, entries: number, lists: number): void {
  if (index.foundSlots.length < entries) {
    let size = index.foundSlots.length;
    while (size < entries) size *= 2;
    index.foundSlots = new Int32Array(size);
    index.fewSlots = new Int32Array(size);
    index.fewQuery = new Float64Array(size);
    index.fewRecord = new Float64Array(size);
    index.candidates = new Int32Array(size);
  }
  if (index.listPositions.length < lists) index.listPositions = new Int32Array(lists * 2);
}

/** Whether a word list holds a slot (binary search). */
function listHolds(posting: WordPosting | undefined, slot: number): boolean {
  if (posting === undefined) return false;
  if (typeof posting === 'number') return posting === slot;
  const at = seek(posting.slots, 0, slot);
  return at < posting.slots.length && posting.slots[at] === slot;
}

/** Sorts and de-duplicates the first `count` entries of a scratch array in place; returns the new count. */
function sortUnique(slots: Int32Array, count: number): number {
  if (count === 0) return 0;
  slots.subarray(0, count).sort();
  let unique = 1;
  for (let i = 1; i < count; i++) if (slots[i] !== slots[unique - 1]) slots[unique++] = slots[i];
  return unique;
}

/** Short word lists are settled record by record; longer ones are merged. */
const shortList = 32;

/** A word that some query word matches, with what it can add to the Dice numerator and denominator. */
interface WordSource {
  word: string;
  queryGain: number;
  recordGain: number;
  added: number;
  size: number;
}

/** Records found by the blocking keys: domain, exact and compact name, its one-edit spellings, initials. */
function keyCandidates(index: ConflictIndex, prepared: PreparedCustomer, alphabet: readonly number[]): Set<number> {
  const slots = new Set<number>();
  const take = (posting: Posting | undefined) => {
    if (posting === undefined) return;
    if (typeof posting === 'number') slots.add(posting);
    else for (let i = 0; i < posting.length; i++) slots.add(posting[i]);
  };
  for (const domain of prepared.domains) take(index.byDomain.get(domain));
  take(index.byKey.get(prepared.key));
  take(index.byCompact.get(prepared.key));
  take(index.byKey.get(prepared.compact));
  take(index.byCompact.get(prepared.compact));
  if (prepared.tokens.length === 1) take(index.byInitials.get(prepared.tokens[0]));
  for (const initials of initialsOf(prepared)) take(index.byKey.get(initials));
  // Names spelt one edit apart as a whole ("Marinne Chemicals" and "Marine Chemicals"), which the word
  // index cannot see when the misspelt word is a common one.
  if (prepared.compact.length >= 6) {
    const isIndexed = (candidate: string) => index.byKey.has(candidate) || index.byCompact.has(candidate);
    for (const spelling of indexedWordsOneEditAway(index, prepared.compact, alphabet, isIndexed)) {
      take(index.byKey.get(spelling));
      take(index.byCompact.get(spelling));
    }
  }
  return slots;
}

/** The bound a record must reach to be scored: "possible", less 0.05 when a shared domain could lift it. */
function wordFloor(prepared: PreparedCustomer): number {
  return matchThresholds.possible - (prepared.domains.length > 0 ? 0.05 : 0);
}

/** The indexed words some query word matches, by word, with their gains. */
function wordSources(index: ConflictIndex, prepared: PreparedCustomer, alphabet: readonly number[]) {
  const bySource = new Map<string, WordSource>();
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
          size: wordPostingSize(index.byWord.get(neighbour.word)),
        });
      } else {
        source.queryGain += neighbour.similarity * weight;
        source.recordGain = Math.max(source.recordGain, neighbour.similarity * neighbourWeight);
      }
    }
  }
  return bySource;
}

/**
 * The word rule of `wordCandidates` with nothing skipped, merged or bounded early: every indexed record
 * that holds a source, kept when its bound with every source it holds reaches the threshold. Slow (it
 * looks inside every record); for tests that check the pruning never drops a record this rule keeps.
 */
export function wordCandidatesByScan(index: ConflictIndex, prepared: PreparedCustomer): Set<number> {
  const floor = wordFloor(prepared);
  const queryWeight = prepared.totalWeight;
  const bySource = wordSources(index, prepared, alphabetOf(index));
  const kept = new Set<number>();
  index.entries.forEach((entry, slot) => {
    if (entry === undefined) return;
    let queryGain = 0;
    let recordGain = 0;
    let held = false;
    for (const word of entry.prepared.words) {
      const source = bySource.get(word);
      if (source === undefined) continue;
      held = true;
      queryGain += source.queryGain;
      recordGain += source.recordGain;
    }
    const otherWeight = index.nameWeights[slot];
    if (
      held &&
      (Math.min(queryGain, queryWeight) + Math.min(recordGain, otherWeight)) / (queryWeight + otherWeight) >= floor
    )
      kept.add(slot);
  });
  return kept;
}

/**
 * Records found by the word index that are not in `exclude`, written to `index.candidates`; returns
 * how many.
 *
 * Each indexed word that some query word matches (itself or within one typo) is a source of
 * candidates. Its gain bounds what it adds to the Dice numerator: on the query side the similarity
 * times each query word's weight, on the record side the similarity times its own weight, once.
 * Frequent sources are skipped, largest first, only while no record matched through skipped sources
 * alone could reach "possible": the best such record takes the skipped sources with the highest gain
 * per weight they add to its denominator. A record is a candidate when it holds a source that was read
 * and its bound, with every source it really holds, reaches "possible".
 *
 * Word lists are kept in slot order with each record's name weight beside its slot, so the long lists
 * read are merged in one sequential pass that never looks inside a record, and a skipped list is
 * consulted by galloping search, only for the records whose bound with every skipped source counted
 * as held still reaches "possible". Records of short lists are settled one by one (`settle`).
 */
function wordCandidates(
  index: ConflictIndex,
  prepared: PreparedCustomer,
  alphabet: readonly number[],
  exclude: Set<number>,
): number {
  const floor = wordFloor(prepared);
  const queryWeight = prepared.totalWeight;
  const bySource = wordSources(index, prepared, alphabet);
  const sources = [...bySource.values()].sort((a, b) => b.size - a.size);
  const skipped: WordSource[] = [];
  const read: WordSource[] = [];
  const couldReachFloor = (set: readonly WordSource[]) => {
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
  skipped.sort((a, b) => a.size - b.size);

  // Long lists are merged; the records of short ones are collected and settled one by one.
  const lists: WordList[] = [];
  const listQuery: number[] = [];
  const listRecord: number[] = [];
  let readEntries = 0;
  let fewEntries = 0;
  for (const source of read) {
    const posting = index.byWord.get(source.word);
    const size = wordPostingSize(posting);
    readEntries += size;
    if (size > shortList) {
      lists.push(posting as WordList);
      listQuery.push(source.queryGain);
      listRecord.push(source.recordGain);
    } else fewEntries += size;
  }
  const skippedLists: WordList[] = [];
  let skippedQueryGain = 0;
  let skippedRecordGain = 0;
  for (const source of skipped) {
    // Skipped sources hold more than `frequentWordPostings` records, so they are always lists.
    skippedLists.push(index.byWord.get(source.word) as WordList);
    skippedQueryGain += source.queryGain;
    skippedRecordGain += source.recordGain;
  }
  reserveScratch(index, readEntries, lists.length + skipped.length);
  const few = index.fewSlots;
  let fewCount = 0;
  if (fewEntries > 0) {
    for (const source of read) {
      const posting = index.byWord.get(source.word);
      if (typeof posting === 'number') few[fewCount++] = posting;
      else if (posting !== undefined && posting.slots.length <= shortList)
        for (const slot of posting.slots) few[fewCount++] = slot;
    }
    fewCount = sortUnique(few, fewCount);
  }

  // Every record found is judged by its bound with every skipped source counted as held, then with the
  // ones it holds (galloping search from the slot last looked for, so slots must come in ascending
  // order within a pass). Records whose bound lands within rounding of the threshold are left to
  // `settle`: sums taken in another order can differ in the last bit there.
  const settleLater = index.foundSlots;
  let settleCount = 0;
  const candidates = index.candidates;
  let count = 0;
  const k = lists.length;
  const positions = index.listPositions;
  const judge = (slot: number, queryGain: number, recordGain: number, otherWeight: number) => {
    const total = queryWeight + otherWeight;
    const loose =
      (Math.min(queryGain + skippedQueryGain, queryWeight) + Math.min(recordGain + skippedRecordGain, otherWeight)) /
      total;
    if (!(loose >= floor - 1e-9)) return;
    for (let j = 0; j < skippedLists.length; j++) {
      const list = skippedLists[j].slots;
      const at = seek(list, positions[k + j], slot);
      positions[k + j] = at;
      if (at < list.length && list[at] === slot) {
        queryGain += skipped[j].queryGain;
        recordGain += skipped[j].recordGain;
      }
    }
    const bound = (Math.min(queryGain, queryWeight) + Math.min(recordGain, otherWeight)) / total;
    if (Math.abs(bound - floor) < 1e-9 || Math.abs(loose - floor) < 1e-9) settleLater[settleCount++] = slot;
    else if (bound >= floor && !exclude.has(slot)) candidates[count++] = slot;
  };

  // Records of short lists: their gains from the short lists, then from the long ones by search.
  if (fewCount > 0) {
    const fewQuery = index.fewQuery;
    const fewRecord = index.fewRecord;
    fewQuery.fill(0, 0, fewCount);
    fewRecord.fill(0, 0, fewCount);
    for (let r = 0; r < k + skippedLists.length; r++) positions[r] = 0;
    for (const source of read) {
      const posting = index.byWord.get(source.word);
      if (posting === undefined) continue;
      if (typeof posting === 'number' || posting.slots.length <= shortList) {
        let row = 0;
        const slots = typeof posting === 'number' ? [posting] : posting.slots;
        for (const slot of slots) {
          while (few[row] < slot) row++;
          fewQuery[row] += source.queryGain;
          fewRecord[row] += source.recordGain;
        }
      }
    }
    for (let row = 0; row < fewCount; row++) {
      const slot = few[row];
      let queryGain = fewQuery[row];
      let recordGain = fewRecord[row];
      for (let r = 0; r < k; r++) {
        const list = lists[r].slots;
        const at = seek(list, positions[r], slot);
        positions[r] = at;
        if (at < list.length && list[at] === slot) {
          queryGain += listQuery[r];
          recordGain += listRecord[r];
        }
      }
      judge(slot, queryGain, recordGain, index.nameWeights[slot]);
    }
  }

  // The long lists, merged: each of their records once, in slot order, but those of short lists.
  let found = fewCount;
  for (let r = 0; r < k + skippedLists.length; r++) positions[r] = 0;
  let fewAt = 0;
  for (;;) {
    let slot = 0x7fffffff;
    for (let r = 0; r < k; r++) {
      const at = positions[r];
      const list = lists[r].slots;
      if (at < list.length && list[at] < slot) slot = list[at];
    }
    if (slot === 0x7fffffff) break;
    let queryGain = 0;
    let recordGain = 0;
    let otherWeight = 0;
    for (let r = 0; r < k; r++) {
      const at = positions[r];
      const list = lists[r].slots;
      if (at < list.length && list[at] === slot) {
        queryGain += listQuery[r];
        recordGain += listRecord[r];
        otherWeight = lists[r].weights[at];
        positions[r] = at + 1;
      }
    }
    while (fewAt < fewCount && few[fewAt] < slot) fewAt++;
    if (fewAt < fewCount && few[fewAt] === slot) continue;
    found++;
    judge(slot, queryGain, recordGain, otherWeight);
  }

  /**
   * The exact rule for one record, with every sum in the order the rule has always used: the read
   * sources largest first; the skipped sources no longer than 48 times the records found, smallest
   * first; a first bound with the other skipped sources counted as held; then those it holds, in the
   * record's word order.
   */
  const settle = (slot: number) => {
    let queryGain = 0;
    let recordGain = 0;
    for (const source of read) {
      if (listHolds(index.byWord.get(source.word), slot)) {
        queryGain += source.queryGain;
        recordGain += source.recordGain;
      }
    }
    let unreadQueryGain = 0;
    let unreadRecordGain = 0;
    const unread: WordSource[] = [];
    for (let j = 0; j < skipped.length; j++) {
      if (skippedLists[j].slots.length <= found * 48) {
        if (listHolds(skippedLists[j], slot)) {
          queryGain += skipped[j].queryGain;
          recordGain += skipped[j].recordGain;
        }
      } else {
        unreadQueryGain += skipped[j].queryGain;
        unreadRecordGain += skipped[j].recordGain;
        unread.push(skipped[j]);
      }
    }
    const otherWeight = index.nameWeights[slot];
    const total = queryWeight + otherWeight;
    if (
      !(
        (Math.min(queryGain + unreadQueryGain, queryWeight) + Math.min(recordGain + unreadRecordGain, otherWeight)) /
          total >=
        floor
      )
    )
      return;
    if (unread.length > 0) {
      for (const word of index.entries[slot]!.prepared.words) {
        const source = unread.find((candidate) => candidate.word === word);
        if (source !== undefined) {
          queryGain += source.queryGain;
          recordGain += source.recordGain;
        }
      }
    }
    if ((Math.min(queryGain, queryWeight) + Math.min(recordGain, otherWeight)) / total >= floor && !exclude.has(slot))
      candidates[count++] = slot;
  };
  for (let i = 0; i < settleCount; i++) settle(settleLater[i]);
  return count;
}

/** The records worth scoring for `prepared`: every one the scorer could put at or above "possible". */
export function candidateSlots(index: ConflictIndex, prepared: PreparedCustomer): Set<number> {
  const alphabet = alphabetOf(index);
  const slots = keyCandidates(index, prepared, alphabet);
  const count = wordCandidates(index, prepared, alphabet, slots);
  for (let i = 0; i < count; i++) slots.add(index.candidates[i]);
  return slots;
}

/** Scores the candidates for a subject. Exposed for tools that compare the index with a plain scan. */
export function scoreCandidates(index: ConflictIndex, prepared: PreparedCustomer): ScoredRecord[] {
  const scored: ScoredRecord[] = [];
  const consider = (slot: number) => {
    const entry = index.entries[slot]!;
    const score = matchScore(prepared, entry.prepared);
    if (score >= matchThresholds.possible) scored.push({ record: entry.record, prepared: entry.prepared, score });
  };
  const alphabet = alphabetOf(index);
  const keySlots = keyCandidates(index, prepared, alphabet);
  for (const slot of keySlots) consider(slot);
  const count = wordCandidates(index, prepared, alphabet, keySlots);
  const candidates = index.candidates;
  // Reach every candidate's prepared name once before scoring (independent loads overlap in memory; the
  // scoring loop then finds them in cache). The sum only keeps the loads from being optimised away.
  let touched = 0;
  for (let i = 0; i < count; i++) {
    const entry = index.entries[candidates[i]]!;
    touched += entry.prepared.words.length + entry.prepared.compact.length;
  }
  _blocksTouched = touched;
  for (let i = 0; i < count; i++) consider(candidates[i]);
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
