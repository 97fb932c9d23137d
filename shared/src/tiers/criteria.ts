/** A tier's criteria checked against a partner's trailing-12-month evidence, each with what was required and found. */
import type { Tier } from '../generated/types.ts';
import { ValidationError } from '../errors.ts';
import type { Money } from '../money.ts';

export type TierRules = Pick<
  Tier,
  | 'id'
  | 'name'
  | 'rank'
  | 'currency'
  | 'minSourcedRevenue'
  | 'minCertifiedPeople'
  | 'minRegisteredDeals'
  | 'minWonDeals'
  | 'minNps'
  | 'requiresMdfCompliance'
>;

/** What a partner achieved over the trailing twelve months (see tierEvidenceFrom for where it comes from). */
export interface TierEvidence {
  partner: string;
  sourcedRevenue: Money;
  certifiedPeople: number;
  registeredDeals: number;
  wonDeals: number;
  /** `null` when no partner user answered the survey in the period. */
  nps: number | null;
  /** No MDF claim overdue or rejected for missing proof of performance. */
  mdfCompliant: boolean;
}

export type CriterionName =
  'sourcedRevenue' | 'certifiedPeople' | 'registeredDeals' | 'wonDeals' | 'nps' | 'mdfCompliance';

export interface CriterionResult {
  tier: string;
  criterion: CriterionName;
  required: number | boolean;
  actual: number | boolean | null;
  holds: boolean;
}

/** Only the criteria the tier sets; a tier with none (the entry tier) is held by everyone. */
export function evaluateCriteria(tier: TierRules, evidence: TierEvidence): CriterionResult[] {
  const results: CriterionResult[] = [];
  const atLeast = (criterion: CriterionName, required: number | null, actual: number | null) => {
    if (required === null) return;
    results.push({ tier: tier.id, criterion, required, actual, holds: actual !== null && actual >= required });
  };
  if (tier.minSourcedRevenue !== null && evidence.sourcedRevenue.currency !== tier.currency) {
    throw new ValidationError([
      {
        field: 'minSourcedRevenue',
        message: `Tier ${tier.name} is set in ${tier.currency} but revenue was measured in ${evidence.sourcedRevenue.currency}.`,
      },
    ]);
  }
  atLeast('sourcedRevenue', tier.minSourcedRevenue, evidence.sourcedRevenue.amount);
  atLeast('certifiedPeople', tier.minCertifiedPeople, evidence.certifiedPeople);
  atLeast('registeredDeals', tier.minRegisteredDeals, evidence.registeredDeals);
  atLeast('wonDeals', tier.minWonDeals, evidence.wonDeals);
  atLeast('nps', tier.minNps, evidence.nps);
  if (tier.requiresMdfCompliance) {
    results.push({
      tier: tier.id,
      criterion: 'mdfCompliance',
      required: true,
      actual: evidence.mdfCompliant,
      holds: evidence.mdfCompliant,
    });
  }
  return results;
}

export function byRank(tiers: readonly TierRules[]): TierRules[] {
  return [...tiers].sort((a, b) => a.rank - b.rank);
}

/** The highest-ranked tier whose criteria all hold, with those criteria; `null` if not even the entry tier. */
export function highestQualifyingTier(
  tiers: readonly TierRules[],
  evidence: TierEvidence,
): { tier: TierRules; criteria: CriterionResult[] } | null {
  for (const tier of byRank(tiers).reverse()) {
    const criteria = evaluateCriteria(tier, evidence);
    if (criteria.every((c) => c.holds)) return { tier, criteria };
  }
  return null;
}
