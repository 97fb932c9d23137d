/**
 * Progress on a joint business plan, computed from the real data (the partner's scorecard for the
 * plan period), never typed in. Revenue targets are in major units (as the schema keeps them); the
 * scorecard's minor units are converted, so 12,500.00 USD against a target of 12500 reads as 100 %.
 */
import type { JointBusinessPlan, PlanAction, PlanGoal } from '../generated/types.ts';
import { ValidationError } from '../errors.ts';
import { toMajorUnits, type Money } from '../money.ts';
import type { Scorecard } from '../metrics/programMetrics.ts';

export interface PlanActuals {
  sourcedRevenue: Money;
  influencedRevenue: Money;
  registrations: number;
  wonDeals: number;
  /** Certifications earned in the period. */
  certifications: number;
  /** Campaigns run with the partner in the period. */
  campaigns: number;
}

export function planActualsFrom(scorecard: Scorecard, certificationsEarned: number, campaigns: number): PlanActuals {
  return {
    sourcedRevenue: scorecard.rates.sourcedRevenue,
    influencedRevenue: scorecard.rates.influencedRevenue,
    registrations: scorecard.totals.registrations,
    wonDeals: scorecard.totals.wonDeals,
    certifications: certificationsEarned,
    campaigns,
  };
}

export type GoalRecord = Pick<PlanGoal, 'id' | 'measure' | 'currency' | 'target'>;

export interface GoalProgress {
  goal: string;
  measure: PlanGoal['measure'];
  target: number;
  actual: number;
  /** actual ÷ target; `null` for a target of 0, which has no meaningful percentage. */
  attainment: number | null;
}

export function actualFor(goal: GoalRecord, actuals: PlanActuals): number {
  const revenue = (money: Money) => {
    if (goal.currency !== null && goal.currency !== money.currency) {
      throw new ValidationError([
        {
          field: 'currency',
          message: `Goal ${goal.id} is set in ${goal.currency} but revenue is measured in ${money.currency}.`,
        },
      ]);
    }
    return toMajorUnits(money);
  };
  switch (goal.measure) {
    case 'sourced_revenue':
      return revenue(actuals.sourcedRevenue);
    case 'influenced_revenue':
      return revenue(actuals.influencedRevenue);
    case 'registrations':
      return actuals.registrations;
    case 'won_deals':
      return actuals.wonDeals;
    case 'certifications':
      return actuals.certifications;
    case 'campaigns':
      return actuals.campaigns;
  }
}

export function goalProgress(goal: GoalRecord, actuals: PlanActuals, share = 1): GoalProgress {
  const target = goal.target * share;
  const actual = actualFor(goal, actuals);
  return { goal: goal.id, measure: goal.measure, target, actual, attainment: target === 0 ? null : actual / target };
}

/**
 * Overall attainment: the mean of the goals' attainment, each capped at 200 % so that one runaway goal
 * cannot hide the others being missed. `null` when no goal has a target.
 */
export function overallAttainment(goals: readonly GoalProgress[]): number | null {
  const measured = goals.filter((g) => g.attainment !== null).map((g) => Math.min(g.attainment!, 2));
  return measured.length === 0 ? null : measured.reduce((sum, a) => sum + a, 0) / measured.length;
}

export interface PlanProgress {
  plan: string;
  goals: GoalProgress[];
  attainment: number | null;
  overdueActions: Array<Pick<PlanAction, 'id' | 'name' | 'ownerName' | 'ownerSide' | 'dueOn'>>;
  actionsDone: number;
  actionsTotal: number;
}

export function planProgress(
  plan: Pick<JointBusinessPlan, 'id'>,
  goals: readonly GoalRecord[],
  actions: readonly Pick<PlanAction, 'id' | 'name' | 'ownerName' | 'ownerSide' | 'dueOn' | 'status'>[],
  actuals: PlanActuals,
  today: string,
): PlanProgress {
  const progress = goals.map((goal) => goalProgress(goal, actuals));
  const live = actions.filter((a) => a.status !== 'dropped');
  return {
    plan: plan.id,
    goals: progress,
    attainment: overallAttainment(progress),
    overdueActions: live
      .filter((a) => (a.status === 'open' || a.status === 'in_progress') && a.dueOn !== null && a.dueOn < today)
      .map(({ id, name, ownerName, ownerSide, dueOn }) => ({ id, name, ownerName, ownerSide, dueOn })),
    actionsDone: live.filter((a) => a.status === 'done').length,
    actionsTotal: live.length,
  };
}
