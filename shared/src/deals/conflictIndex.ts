/**
 * An in-memory index of every record that can hold a customer, so a conflict check against a million
 * records scores only those that share a key or a word with the subject, not all of them (what it
 * costs: docs/server-performance.md, measured by scripts/bench/conflicts.ts). It only narrows the field: each candidate it finds is scored by the
 * same `compareCustomers` a plain scan uses, and `decideConflict` gives the verdict, with word rarity
 * read from the index's own word lists.
 *
 * Candidates come from blocking keys — the registrable domain, the normalised name, the name without
 * spaces (and its one-edit spellings), the initials, the short forms — and from a word index. Typos of a distinctive word
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
 * State is explicit and mutable (the index is a cache of the known customers); records are added,
 * replaced and removed one at a time as they change, with no rebuild.
 */
import {
  matchScore,
  decideConflict,
  matchThresholds,
  prepareCustomer,
  type ConflictDecision,
  type ConflictSubject,
  type KnownCustomerRecord,
  type PreparedCustomer,
  type ScoredRecord,
  shortFormLeadLimit,
  type WordRarity,
} from './conflicts.ts';
import { initialsOf, keyCandidates, shortFormCandidates } from './conflictIndex/keyCandidates.ts';
import {
  postingAdd,
  postingRemove,
  wordAdd,
  wordRemove,
  wordPostingSize,
  type Posting,
  type WordPosting,
} from './conflictIndex/postings.ts';
import { alphabetOf, countLetters } from './conflictIndex/typoVariants.ts';
import { wordCandidates } from './conflictIndex/wordCandidates.ts';
import { filterChange, growFilter, smallestFilterBits } from './conflictIndex/wordFilter.ts';

export { wordCandidatesByScan } from './conflictIndex/wordCandidates.ts';

/** Where the pass that reaches every candidate before scoring leaves its sum (see `scoreCandidates`). */
let _blocksTouched = 0;

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
  const scored = scoreCandidates(index, prepared);
  // Short forms score low by their words (one of several), so they are looked up by their own keys and
  // left to calibration, which decides on the rarity of their leading word.
  const shortForms = shortFormCandidates(index, prepared, shortFormLeadLimit(indexedRecordCount(index)));
  const already = shortForms.length > 0 ? new Set(scored.map((match) => match.record)) : null;
  for (const slot of new Set(shortForms)) {
    const entry = index.entries[slot]!;
    if (already!.has(entry.record)) continue;
    const score = matchScore(prepared, entry.prepared);
    if (score < matchThresholds.possible) scored.push({ record: entry.record, prepared: entry.prepared, score });
  }
  return decideConflict(subject, prepared, scored, now, wordRarity(index));
}

/** How many indexed records hold a word: the length of its word list. */
export function wordRarity(index: ConflictIndex): WordRarity {
  return { records: indexedRecordCount(index), holding: (word) => wordPostingSize(index.byWord.get(word)) };
}

/** Every indexed record with its prepared form, for a plain scan with the same scorer. */
export function indexedEntries(index: ConflictIndex): { record: KnownCustomerRecord; prepared: PreparedCustomer }[] {
  return index.entries.filter((entry): entry is IndexedEntry => entry !== undefined);
}
