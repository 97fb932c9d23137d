/**
 * Edit distance for the scorer. Ours rather than a library's: the packages at hand (fastest-levenshtein,
 * fast-levenshtein) count a transposition as two edits and compute the whole table, where the scorer
 * needs "Microsfot" to be one edit from "Microsoft", an early exit past a small limit and no allocation
 * per call; and the core ships in every host's bundle, where each dependency is carried along.
 */

/**
 * Levenshtein distance with adjacent transpositions (a typo "Microsfot" is one edit), giving up with
 * `limit + 1` as soon as the distance must exceed `limit`: the scorer only cares about small distances.
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  const beyond = limit + 1;
  if (Math.abs(n - m) > limit) return beyond;
  if (m + 2 > rowCapacity) growRows(m + 2);
  // Three rolling rows, reused across calls, and only the diagonal band |i - j| <= limit is computed:
  // this runs for every candidate word of every check. Cells just outside the band read as `beyond`.
  let beforePrevious = rowA;
  let previous = rowB;
  let current = rowC;
  for (let j = 0; j <= m; j++) previous[j] = j <= limit ? j : beyond;
  for (let i = 1; i <= n; i++) {
    const low = Math.max(1, i - limit);
    const high = Math.min(m, i + limit);
    current[low - 1] = low === 1 ? i : beyond;
    let rowMinimum = low === 1 ? i : beyond;
    const ai = a.charCodeAt(i - 1);
    for (let j = low; j <= high; j++) {
      const cost = ai === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, beforePrevious[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (high < m) current[high + 1] = beyond;
    if (rowMinimum > limit) return beyond;
    const recycled = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = recycled;
  }
  return previous[m] <= limit ? previous[m] : beyond;
}

let rowCapacity = 64;
let rowA = new Int32Array(rowCapacity);
let rowB = new Int32Array(rowCapacity);
let rowC = new Int32Array(rowCapacity);
function growRows(size: number): void {
  rowCapacity = Math.max(size, rowCapacity * 2);
  rowA = new Int32Array(rowCapacity);
  rowB = new Int32Array(rowCapacity);
  rowC = new Int32Array(rowCapacity);
}
