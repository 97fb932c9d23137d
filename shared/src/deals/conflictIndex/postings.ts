/** Postings: the records under each key or word, kept in ascending slot order so a check can merge them and seek in them. */
import type { ConflictIndex } from '../conflictIndex.ts';

/** One slot or several: most keys point at a single record, and a bare number costs far less than an array. */
export type Posting = number | number[];

/**
 * A word's records in ascending slot order, with each record's total name weight beside it, so a
 * check reads the weights in the same sequential pass as the slots instead of one cache miss each.
 */
export interface WordList {
  slots: number[];
  weights: number[];
}
export type WordPosting = number | WordList;

/** First position in a list sorted ascending, at or after `from`, whose slot is not below `slot`. */
export function seek(list: readonly number[], from: number, slot: number): number {
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
export function postingAdd(map: Map<string, Posting>, key: string, slot: number): void {
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

export function postingRemove(map: Map<string, Posting>, key: string, slot: number): void {
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

export function wordAdd(index: ConflictIndex, word: string, slot: number, weight: number): void {
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

export function wordRemove(index: ConflictIndex, word: string, slot: number): void {
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

export function wordPostingSize(posting: WordPosting | undefined): number {
  return posting === undefined ? 0 : typeof posting === 'number' ? 1 : posting.slots.length;
}

/** Whether a word list holds a slot (binary search). */
export function listHolds(posting: WordPosting | undefined, slot: number): boolean {
  if (posting === undefined) return false;
  if (typeof posting === 'number') return posting === slot;
  const at = seek(posting.slots, 0, slot);
  return at < posting.slots.length && posting.slots[at] === slot;
}
