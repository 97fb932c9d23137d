/**
 * The quarterly business review: the plan's goals prorated to the quarter, compared with the quarter's
 * actuals, and a verdict that flags partners under plan (who need help) and high-potential partners
 * well above it (who may deserve more investment or a higher tier).
 */
import { DateTime, Interval } from 'luxon';
import type { BusinessReview, JointBusinessPlan } from '../generated/types.ts';
import { ValidationError } from '../errors.ts';
import { quarterPeriod } from '../metrics/periods.ts';
import { goalProgress, overallAttainment, type GoalProgress, type GoalRecord, type PlanActuals } from './progress.ts';

export interface ReviewThresholds {
  /** Below this attainment the partner is under plan (default 0.9). */
  underPlanBelow: number;
  /** At or above this attainment the partner is high potential (default 1.2). */
  highPotentialFrom: number;
}

export const defaultReviewThresholds: ReviewThresholds = { underPlanBelow: 0.9, highPotentialFrom: 1.2 };

export type ReviewScorecard = Pick<
  BusinessReview,
  | 'partner'
  | 'jointBusinessPlan'
  | 'quarter'
  | 'currency'
  | 'sourcedRevenue'
  | 'influencedRevenue'
  | 'registrations'
  | 'attainmentPercent'
  | 'verdict'
> & { goals: GoalProgress[] };

/** The share of a plan's period that falls in the quarter, for prorating annual targets. */
export function quarterShare(plan: Pick<JointBusinessPlan, 'periodStart' | 'periodEnd'>, quarter: string): number {
  const q = quarterPeriod(quarter);
  const planInterval = Interval.fromDateTimes(
    DateTime.fromISO(plan.periodStart, { zone: 'utc' }),
    DateTime.fromISO(plan.periodEnd, { zone: 'utc' }).plus({ days: 1 }),
  );
  if (!planInterval.isValid || planInterval.length('days') <= 0) {
    throw new ValidationError([{ field: 'periodEnd', message: 'The plan must end on or after the day it starts.' }]);
  }
  const overlap = planInterval.intersection(
    Interval.fromDateTimes(DateTime.fromISO(q.start, { zone: 'utc' }), DateTime.fromISO(q.end, { zone: 'utc' })),
  );
  return overlap === null ? 0 : overlap.length('days') / planInterval.length('days');
}

export function verdictFor(
  attainment: number | null,
  thresholds: ReviewThresholds = defaultReviewThresholds,
): BusinessReview['verdict'] {
  if (attainment === null) return null;
  if (attainment < thresholds.underPlanBelow) return 'under_plan';
  if (attainment >= thresholds.highPotentialFrom) return 'high_potential';
  return attainment > 1 ? 'above_plan' : 'on_plan';
}

export function quarterlyReview(
  plan: Pick<JointBusinessPlan, 'id' | 'partner' | 'periodStart' | 'periodEnd'>,
  goals: readonly GoalRecord[],
  quarterActuals: PlanActuals,
  quarter: string,
  thresholds: ReviewThresholds = defaultReviewThresholds,
): ReviewScorecard {
  const share = quarterShare(plan, quarter);
  if (share === 0) throw new ValidationError([{ field: 'quarter', message: `The plan does not cover ${quarter}.` }]);
  const progress = goals.map((goal) => goalProgress(goal, quarterActuals, share));
  const attainment = overallAttainment(progress);
  return {
    partner: plan.partner,
    jointBusinessPlan: plan.id,
    quarter,
    currency: quarterActuals.sourcedRevenue.currency,
    sourcedRevenue: quarterActuals.sourcedRevenue.amount,
    influencedRevenue: quarterActuals.influencedRevenue.amount,
    registrations: quarterActuals.registrations,
    attainmentPercent: attainment === null ? null : Math.round(attainment * 10_000) / 100,
    verdict: verdictFor(attainment, thresholds),
    goals: progress,
  };
}

/** The program view of a quarter's reviews: who needs help, who deserves more. */
export function reviewFlags(reviews: readonly ReviewScorecard[]): { underPlan: string[]; highPotential: string[] } {
  return {
    underPlan: reviews.filter((r) => r.verdict === 'under_plan').map((r) => r.partner),
    highPotential: reviews.filter((r) => r.verdict === 'high_potential').map((r) => r.partner),
  };
}
