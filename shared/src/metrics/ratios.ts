/** Ratios the metrics share. A ratio over nothing is `null`, not 0: "no data" must not read as "failed". */

export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** Net Promoter Score: % promoters (9–10) − % detractors (0–6), from −100 to 100, rounded to an integer. */
export function netPromoterScore(counts: NpsCounts): number | null {
  const responses = counts.promoters + counts.passives + counts.detractors;
  return responses === 0 ? null : Math.round(((counts.promoters - counts.detractors) / responses) * 100);
}

export function npsCategory(score: number): 'detractor' | 'passive' | 'promoter' {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
