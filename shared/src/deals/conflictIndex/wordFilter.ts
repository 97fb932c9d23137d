/**
 * The word filter: a counting Bloom filter of indexed words, so a typo candidate is tested by hash
 * before any string is built. Ours rather than a package's: the typo search works out each variant's
 * hashes arithmetically from the word's prefix and suffix hashes, so the filter must take two given
 * hashes, where filter packages hash the string themselves.
 */
import type { ConflictIndex } from '../conflictIndex.ts';

/**
 * The word filter's size: at least 2^16 one-byte counters (64 KB) and at most 2^26 (64 MB), 32 counters
 * per name or word indexed, four of them set for each (see `filterMaybe`). A small index keeps a filter
 * that stays in the processor's cache; a million names need the largest.
 */
export const smallestFilterBits = 16;
const largestFilterBits = 26;
const countersPerEntry = 32;
export const baseA = 131;
export const baseB = 1_000_003;

function wordHash(word: string, base: number): number {
  let hash = 0;
  for (let i = 0; i < word.length; i++) hash = (Math.imul(hash, base) + word.charCodeAt(i)) | 0;
  return hash;
}

export function mix(hash: number): number {
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
export function filterBlock(mixedA: number, bits: number): number {
  return (mixedA >>> (32 - bits + blockBits)) << blockBits;
}

/**
 * Whether a word with these two hashes may be indexed (no false "no"). Four counters of the block, one
 * from the first hash and three from the second's bits: every false "maybe" costs a string built and
 * two lookups in maps of a million names, so false answers are kept rare (far rarer than with two
 * counters in a quarter of the size: docs/server-performance.md).
 */
export function filterMaybe(filter: Uint8Array, bits: number, hashA: number, hashB: number): boolean {
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

export function filterChange(index: ConflictIndex, word: string, change: 1 | -1): void {
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

/** Rebuilds the word filter four times larger once the index has outgrown it (never smaller). */
export function growFilter(index: ConflictIndex): void {
  const entries = index.slotById.size + index.byWord.size;
  let bits = index.filterBits;
  while (bits < largestFilterBits && entries * countersPerEntry > 1 << bits) bits += 2;
  if (bits === index.filterBits) return;
  index.filterBits = Math.min(bits, largestFilterBits);
  index.wordFilter = new Uint8Array(1 << index.filterBits);
  for (const entry of index.entries) if (entry !== undefined) filterChange(index, entry.prepared.compact, 1);
  for (const word of index.byWord.keys()) filterChange(index, word, 1);
}
