/** Blocking keys: the records that share a domain, the whole name (or a one-edit spelling of it), the initials or a short form with a subject. */
import { isShortFormOf, tokenWeight, type PreparedCustomer } from '../conflicts.ts';
import type { ConflictIndex } from '../conflictIndex.ts';
import { wordPostingSize, type Posting } from './postings.ts';
import { indexedWordsOneEditAway } from './typoVariants.ts';

/** Initials of a multi-word name, with and without joining words: "bank of america" → "boa", "ba". */
export function initialsOf(prepared: PreparedCustomer): string[] {
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

/** Records found by the blocking keys: domain, exact and compact name, its one-edit spellings, initials. */
export function keyCandidates(
  index: ConflictIndex,
  prepared: PreparedCustomer,
  alphabet: readonly number[],
): Set<number> {
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

/**
 * Records that are a short form of the subject (its leading words, or one of its words, as a whole
 * name) or of which the subject is one ("Kavelmark" and "Kavelmark Home & Garden Stores"). A subject's
 * leading word is read only when it is rare (at most `rare` records hold it): a short form on a common
 * word is no evidence, so its long list is never read.
 */
export function shortFormCandidates(index: ConflictIndex, prepared: PreparedCustomer, rare: number): number[] {
  const found: number[] = [];
  if (rare === 0) return found;
  const take = (posting: Posting | undefined, keep: (slot: number) => boolean) => {
    if (posting === undefined) return;
    if (typeof posting === 'number') {
      if (keep(posting)) found.push(posting);
    } else for (const slot of posting) if (keep(slot)) found.push(slot);
  };
  const tokens = prepared.tokens;
  const isShortOfSubject = (slot: number) => isShortFormOf(index.entries[slot]!.prepared, prepared);
  for (let length = 1; length < tokens.length; length++)
    take(index.byKey.get(tokens.slice(0, length).join(' ')), isShortOfSubject);
  for (const word of prepared.words.slice(1)) take(index.byKey.get(word), isShortOfSubject);
  const lead = tokens[0];
  if (lead !== undefined) {
    const posting = index.byWord.get(lead);
    if (wordPostingSize(posting) <= rare) {
      const slots = typeof posting === 'number' ? [posting] : (posting?.slots ?? []);
      for (const slot of slots) if (isShortFormOf(prepared, index.entries[slot]!.prepared)) found.push(slot);
    }
  }
  return found;
}
