/**
 * Joint business plans measured against what happened: a plan's progress over its period (each
 * goal's actual stored on the goal) and a quarterly business review's scorecard. The figures are the
 * core's (planning/progress.ts, planning/businessReview.ts) over the partner's scorecard.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import type { Period } from '@prm/core/metrics/programMetrics';
import { planActualsFrom, planProgress } from '@prm/core/planning/progress';
import { quarterlyReview } from '@prm/core/planning/businessReview';
import { quarterPeriod } from '@prm/core/metrics/periods';
import type { ActionContext } from '../http/actions.ts';
import { findRecord, writeUpdate, type Tx } from '../store/repository.ts';
import { listAll } from '../store/allRecords.ts';
import type { RecordOf } from '../store/records.ts';
import { periodFrom, scorecardFor } from './scorecards.ts';

const within = (date: string | null, period: Period) => date !== null && date >= period.start && date < period.end;

/** What a plan's goals are measured against: the partner's scorecard, certifications earned, campaigns run. */
async function planActualsOver(tx: Tx, partner: string, period: Period) {
  const scorecard = await scorecardFor(tx, partner, period);
  const earned = (await listAll(tx, 'certification', { partner })).filter((c) => within(c.earnedOn, period)).length;
  const campaigns = (await listAll(tx, 'campaign', { partner })).filter(
    (c) => c.status !== 'cancelled' && within(c.startsOn, period),
  ).length;
  return planActualsFrom(scorecard, earned, campaigns);
}

/**
 * The plan's progress from the real data over its period. The actuals are stored on the goals so list
 * views and the CRM show them; they are the rules', never typed in.
 */
export async function measurePlanProgress({ tx, actor, now }: ActionContext, plan: RecordOf<'jointBusinessPlan'>) {
  const period = periodFrom(plan.periodStart, plan.periodEnd);
  const goals = await listAll(tx, 'planGoal', { jointBusinessPlan: plan.id });
  const planActions = await listAll(tx, 'planAction', { jointBusinessPlan: plan.id });
  const progress = planProgress(
    plan,
    goals,
    planActions,
    await planActualsOver(tx, plan.partner, period),
    now.toISOString().slice(0, 10),
  );
  for (const goal of goals) {
    const computed = progress.goals.find((g) => g.goal === goal.id)!;
    await writeUpdate(
      tx,
      now,
      actor,
      objectNamed(prmObjects, 'planGoal'),
      goal,
      goal.version,
      { actual: Math.round(computed.actual * 100) / 100, progressComputedAt: now.toISOString() },
      'compute-progress',
    );
  }
  return progress;
}

/** A quarterly business review's scorecard, from its plan and quarter. */
export async function scoreBusinessReview(tx: Tx, review: RecordOf<'businessReview'>) {
  if (!review.jointBusinessPlan)
    throw new ValidationError([{ field: 'jointBusinessPlan', message: 'Link the plan this review compares.' }]);
  const period = quarterPeriod(review.quarter);
  const plan = await findRecord(tx, objectNamed(prmObjects, 'jointBusinessPlan'), review.jointBusinessPlan);
  if (!plan || plan.partner !== review.partner)
    throw new ValidationError([{ field: 'jointBusinessPlan', message: 'must be a plan of the reviewed partner' }]);
  const goals = await listAll(tx, 'planGoal', { jointBusinessPlan: plan.id });
  return quarterlyReview(plan, goals, await planActualsOver(tx, review.partner, period), review.quarter);
}
