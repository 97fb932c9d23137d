/** The word search: the records whose shared words could lift them to "possible", with frequent words read only when needed. */
import { matchThresholds, tokenWeight, type PreparedCustomer } from '../conflicts.ts';
import type { ConflictIndex } from '../conflictIndex.ts';
import { listHolds, seek, wordPostingSize, type WordList } from './postings.ts';
import { alphabetOf, wordNeighbours } from './typoVariants.ts';

/**
 * Postings longer than this are skipped when the rest of the name makes that safe (they are then only
 * searched for the records the rest of the name finds). 200 rather than 2,000: two-surname names
 * ("Novák & Jansen") then read one surname's list and search the other's instead of merging both,
 * which is faster for them with the same results (docs/server-performance.md). At least `shortList`.
 */
const frequentWordPostings = 200;

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
export function wordCandidates(
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
