/**
 * The daily tier evaluation: for each partner, propose upgrade, downgrade or keep, citing the criteria
 * that justify it. Upgrades are proposed at once; a downgrade only after the partner has stayed below
 * its tier's criteria for the program's grace period, so one bad month does not cost a partner its tier.
 * Proposals change nothing: a manager approves them (approval.ts).
 */
import { DateTime } from 'luxon';
import type { Program } from '../generated/types.ts';
import { ValidationError } from '../errors.ts';
import {
  evaluateCriteria,
  highestQualifyingTier,
  type CriterionResult,
  type TierEvidence,
  type TierRules,
} from './criteria.ts';

export interface TierStanding {
  partner: string;
  tier: string | null;
  /** The first evaluation at which the partner fell below its tier's criteria; kept by the caller. */
  belowCriteriaSince: string | null;
}

export interface TierProposal {
  partner: string;
  action: 'upgrade' | 'downgrade' | 'keep';
  from: string | null;
  to: string | null;
  /** Criteria of the tier proposed (`to`) that the partner meets: all of them hold. */
  evidence: CriterionResult[];
  /** Criteria of the current tier the partner no longer meets. */
  shortfalls: CriterionResult[];
  /** While in grace: the day a downgrade becomes due. */
  graceEndsOn: string | null;
  /** What the caller stores for the next evaluation. */
  belowCriteriaSince: string | null;
  evaluatedAt: string;
}

export function proposeTier(
  standing: TierStanding,
  evidence: TierEvidence,
  tiers: readonly TierRules[],
  program: Pick<Program, 'downgradeGraceDays'>,
  now: string,
): TierProposal {
  const current = standing.tier === null ? null : tiers.find((tier) => tier.id === standing.tier);
  if (current === undefined)
    throw new ValidationError([
      {
        field: 'tier',
        message: `Partner ${standing.partner} holds tier ${standing.tier}, which the program does not have.`,
      },
    ]);
  const qualified = highestQualifyingTier(tiers, evidence);
  const qualifiedRank = qualified?.tier.rank ?? 0;
  const currentRank = current?.rank ?? 0;
  const proposal = (
    action: TierProposal['action'],
    to: TierRules | null,
    extra: Partial<TierProposal> = {},
  ): TierProposal => ({
    partner: standing.partner,
    action,
    from: current?.id ?? null,
    to: to?.id ?? null,
    evidence: to === null ? [] : to.id === qualified?.tier.id ? qualified.criteria : evaluateCriteria(to, evidence),
    shortfalls: [],
    graceEndsOn: null,
    belowCriteriaSince: null,
    evaluatedAt: now,
    ...extra,
  });

  if (qualifiedRank > currentRank) return proposal('upgrade', qualified!.tier);
  if (qualifiedRank === currentRank) return proposal('keep', current);

  const shortfalls = evaluateCriteria(current!, evidence).filter((c) => !c.holds);
  const since = standing.belowCriteriaSince ?? now;
  const graceEndsOn = DateTime.fromISO(since, { zone: 'utc' })
    .plus({ days: program.downgradeGraceDays ?? 90 })
    .toISODate()!;
  if (now.slice(0, 10) < graceEndsOn) {
    // Kept in grace: the evidence cited is that of the tier the partner still qualifies for.
    return {
      ...proposal('keep', current!, { shortfalls, graceEndsOn, belowCriteriaSince: since }),
      evidence: qualified?.criteria ?? [],
    };
  }
  return proposal('downgrade', qualified?.tier ?? null, { shortfalls, graceEndsOn, belowCriteriaSince: since });
}

/** Runs the evaluation for every partner; partners without evidence are an error, not a silent keep. */
export function evaluateTiersDaily(
  standings: readonly TierStanding[],
  evidence: ReadonlyMap<string, TierEvidence>,
  tiers: readonly TierRules[],
  program: Pick<Program, 'downgradeGraceDays'>,
  now: string,
): TierProposal[] {
  return standings.map((standing) => {
    const found = evidence.get(standing.partner);
    if (found === undefined)
      throw new ValidationError([
        { field: 'partner', message: `No evidence was gathered for partner ${standing.partner}.` },
      ]);
    return proposeTier(standing, found, tiers, program, now);
  });
}
