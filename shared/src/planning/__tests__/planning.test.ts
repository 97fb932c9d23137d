import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { planProgress, planActualsFrom, goalProgress, type PlanActuals } from '../progress.ts';
import { quarterlyReview, quarterShare, reviewFlags, verdictFor } from '../businessReview.ts';
import { computeMetrics, type MetricsInput } from '../../metrics/programMetrics.ts';
import { dealColumnsFrom } from '../../metrics/dealColumns.ts';
import { ValidationError } from '../../errors.ts';

const { plan, goals, actions } = JSON.parse(readFileSync(new URL('./data/plan.json', import.meta.url), 'utf8'));
const actuals = (revenue: number, registrations: number, certifications: number): PlanActuals => ({
  sourcedRevenue: { amount: revenue, currency: 'USD' },
  influencedRevenue: { amount: 0, currency: 'USD' },
  registrations,
  wonDeals: 0,
  certifications,
  campaigns: 0,
});

describe('plan progress from the real data', () => {
  it("reads actuals from the partner's scorecard for the plan period", () => {
    const deal = (status: 'won' | 'submitted', amount: number) => ({
      partner: 'p-northwind',
      status,
      currency: 'USD',
      amount,
      submittedAt: '2026-07-10T09:00:00Z',
      closedAt: status === 'won' ? '2026-09-01T09:00:00Z' : null,
      protectionEndsAt: '2026-10-09T09:00:00Z',
      attribution: null,
    });
    const input: MetricsInput = {
      currency: 'USD',
      partners: [{ id: 'p-northwind', tier: 't-gold', onboardingCompletedOn: '2025-01-01', partnerUsers: 8 }],
      deals: dealColumnsFrom(
        [deal('won', 12_000_000), deal('submitted', 5_000_000), deal('won', 3_000_000)],
        ['p-northwind'],
        'USD',
      ),
      enrollments: [],
      certifications: [],
      npsResponses: [],
      mdf: { budgets: [], allocations: [], requests: [], claims: [] },
    };
    const [scorecard] = computeMetrics(input, { start: '2026-07-01', end: '2027-01-01' }).scorecards;
    const progress = planProgress(plan, goals, actions, planActualsFrom(scorecard, 1, 0), '2026-10-01');
    assert.deepEqual(
      progress.goals.map((g) => [g.goal, g.actual, g.attainment]),
      [
        ['g-revenue', 150_000, 0.75],
        ['g-registrations', 3, 0.15],
        ['g-certifications', 1, 0.25],
      ],
    );
  });

  it('lists overdue actions with their owners and leaves dropped ones out', () => {
    const progress = planProgress(plan, goals, actions, actuals(0, 0, 0), '2026-10-01');
    assert.deepEqual(
      progress.overdueActions.map((a) => [a.id, a.ownerName, a.ownerSide]),
      [['a-2', 'Dana Reyes', 'vendor']],
    );
    assert.deepEqual([progress.actionsDone, progress.actionsTotal], [1, 3]);
  });

  it('caps a runaway goal at 200 % in the overall attainment, and has no percentage for a target of 0', () => {
    const progress = planProgress(plan, goals, [], actuals(100_000_000, 0, 0), '2026-10-01');
    assert.equal(progress.attainment, 2 / 3);
    assert.equal(
      goalProgress({ id: 'g0', measure: 'campaigns', currency: null, target: 0 }, actuals(0, 0, 0)).attainment,
      null,
    );
  });

  it('refuses to compare revenue in another currency than the goal', () => {
    assert.throws(
      () => goalProgress(goals[0], { ...actuals(0, 0, 0), sourcedRevenue: { amount: 1, currency: 'EUR' } }),
      ValidationError,
    );
  });
});

describe('quarterly business review', () => {
  it('prorates the plan to the quarter by days', () => {
    assert.equal(quarterShare(plan, '2026-Q3'), 0.5);
    assert.equal(quarterShare(plan, '2027-Q1'), 0);
  });

  it('compares the quarter with half of a half-year plan and gives a verdict', () => {
    const review = quarterlyReview(plan, goals, actuals(10_000_000, 10, 2), '2026-Q3');
    assert.deepEqual(
      [review.attainmentPercent, review.verdict, review.sourcedRevenue, review.registrations],
      [100, 'on_plan', 10_000_000, 10],
    );
  });

  it('flags partners under plan and high-potential partners above it', () => {
    const under = quarterlyReview(plan, goals, actuals(2_000_000, 4, 0), '2026-Q3');
    const high = quarterlyReview({ ...plan, partner: 'p-contoso' }, goals, actuals(20_000_000, 15, 3), '2026-Q3');
    assert.deepEqual(reviewFlags([under, high]), { underPlan: ['p-northwind'], highPotential: ['p-contoso'] });
  });

  it('draws the verdict lines at 90 % and 120 %', () => {
    assert.deepEqual(
      [0.89, 0.9, 1, 1.01, 1.2, null].map((a) => verdictFor(a)),
      ['under_plan', 'on_plan', 'on_plan', 'above_plan', 'high_potential', null],
    );
  });

  it('refuses to review a quarter the plan does not cover', () => {
    assert.throws(
      () => quarterlyReview(plan, goals, actuals(0, 0, 0), '2027-Q2'),
      (e: ValidationError) => e.problems[0].field === 'quarter',
    );
  });
});
