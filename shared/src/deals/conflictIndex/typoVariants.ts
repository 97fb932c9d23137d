/** Typo variants: the indexed words one edit away from a word, found by hash against the word filter without storing any variant. */
import { tokenSimilarity, tokenWeight, typoAllowance } from '../conflicts.ts';
import type { ConflictIndex } from '../conflictIndex.ts';
import { baseA, baseB, filterBlock, filterMaybe, mix } from './wordFilter.ts';

export function countLetters(index: ConflictIndex, word: string, change: 1 | -1): void {
  for (const letter of new Set(word)) {
    const count = (index.letters.get(letter) ?? 0) + change;
    if (count > 0) index.letters.set(letter, count);
    else index.letters.delete(letter);
    if (count === 0 || (count === 1 && change === 1)) index.alphabet = null;
  }
}

/** Characters that occur in indexed words, as codes: what typo candidates are built from. */
export function alphabetOf(index: ConflictIndex): readonly number[] {
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
export function indexedWordsOneEditAway(
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

/** Indexed words the scorer would take for `word` — itself and its one-edit typos — with their similarity. */
export function wordNeighbours(
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
