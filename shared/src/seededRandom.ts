/**
 * A seeded pseudo-random sequence (mulberry32) for demo data, benchmarks and property-test fixtures:
 * small, fast, and the same numbers on every machine for a seed. Never for anything secret.
 * (Written here rather than taken from a library: it is four lines, and a dependency for it would
 * weigh more than the code.)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
