/**
 * What-if: "if the criteria were these, who would move?" Compares the tier each partner qualifies for
 * under the current criteria with the tier under the proposed ones. Grace periods are ignored on
 * purpose: the question is about the criteria, not about when a downgrade would land.
 */
import { highestQualifyingTier, type TierEvidence, type TierRules } from './criteria.ts';

export interface SimulatedMove {
  partner: string;
  from: string | null;
  to: string | null;
  direction: 'up' | 'down';
}

export interface CriteriaSimulation {
  moves: SimulatedMove[];
  /** Partners per tier id before and after; `null` counts partners who qualify for no tier. */
  before: Map<string | null, number>;
  after: Map<string | null, number>;
}

export function simulateCriteria(
  evidence: readonly TierEvidence[],
  currentTiers: readonly TierRules[],
  proposedTiers: readonly TierRules[],
): CriteriaSimulation {
  const before = new Map<string | null, number>();
  const after = new Map<string | null, number>();
  const moves: SimulatedMove[] = [];
  for (const partner of evidence) {
    const now = highestQualifyingTier(currentTiers, partner)?.tier ?? null;
    const then = highestQualifyingTier(proposedTiers, partner)?.tier ?? null;
    before.set(now?.id ?? null, (before.get(now?.id ?? null) ?? 0) + 1);
    after.set(then?.id ?? null, (after.get(then?.id ?? null) ?? 0) + 1);
    const rankNow = now?.rank ?? 0;
    const rankThen = then?.rank ?? 0;
    if (rankNow !== rankThen)
      moves.push({
        partner: partner.partner,
        from: now?.id ?? null,
        to: then?.id ?? null,
        direction: rankThen > rankNow ? 'up' : 'down',
      });
  }
  return { moves, before, after };
}
