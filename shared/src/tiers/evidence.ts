/** Tier evidence from a partner's trailing-12-month scorecard, so tiers and metrics count the same deals. */
import type { Scorecard } from '../metrics/programMetrics.ts';
import type { TierEvidence } from './criteria.ts';

export function tierEvidenceFrom(scorecard: Scorecard, mdfCompliant: boolean): TierEvidence {
  return {
    partner: scorecard.partner,
    sourcedRevenue: scorecard.rates.sourcedRevenue,
    certifiedPeople: scorecard.totals.certifiedPeople,
    registeredDeals: scorecard.totals.registrations,
    wonDeals: scorecard.totals.wonDeals,
    nps: scorecard.rates.nps,
    mdfCompliant,
  };
}
