import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';

const deal = (partner: string, amount: number, extra: Record<string, unknown> = {}) => ({
  partner,
  customerName: `Customer ${amount}`,
  customerCountry: 'DE',
  opportunityName: 'Platform rollout',
  currency: 'USD',
  amount,
  expectedCloseOn: '2026-08-15',
  status: 'won',
  submittedAt: '2026-07-10T09:00:00.000Z',
  protectionEndsAt: '2026-12-31T00:00:00.000Z',
  closedAt: '2026-08-15T00:00:00.000Z',
  ...extra,
});
const fields = (response: { body: { errors?: Array<{ field: string }> } }) =>
  (response.body.errors ?? []).map((e) => e.field);

describe('metrics, scorecards, plans and reviews over HTTP', () => {
  let h: Harness;
  let A: string;
  let B: string;
  let plan: string;
  let revenueGoal: string;

  const create = async (path: string, body: Record<string, unknown>) => {
    const response = await h.call('channelAdmin', 'POST', path, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as Record<string, any>;
  };

  before(async () => {
    h = await startHarness();
    A = h.records.A.get('partner')!;
    B = h.records.B.get('partner')!;
    await create('/api/deal-registrations', deal(A, 300_000));
    await create('/api/deal-registrations', deal(A, 50_000, { attribution: 'influenced' }));
    await create('/api/deal-registrations', deal(B, 1_000_000, { submittedAt: '2026-06-01T00:00:00.000Z' }));
    plan = (
      await create('/api/joint-business-plans', {
        name: 'A 2026 H2',
        partner: A,
        periodStart: '2026-07-01',
        periodEnd: '2026-12-31',
        status: 'active',
      })
    ).id;
    revenueGoal = (
      await create('/api/plan-goals', {
        name: 'Sourced revenue',
        jointBusinessPlan: plan,
        partner: A,
        measure: 'sourced_revenue',
        currency: 'USD',
        target: 6000,
      })
    ).id;
    await create('/api/plan-goals', {
      name: 'Registrations',
      jointBusinessPlan: plan,
      partner: A,
      measure: 'registrations',
      target: 4,
    });
    await create('/api/plan-actions', {
      name: 'Joint webinar',
      jointBusinessPlan: plan,
      partner: A,
      ownerName: 'Pat Partner',
      ownerSide: 'partner',
      dueOn: '2026-10-01',
      status: 'open',
    });
  });
  after(() => h.close());

  it('computes program metrics for vendor roles only, with an inclusive date range', async () => {
    const path = '/api/partners/metrics?from=2026-07-01&to=2026-09-30';
    for (const role of ['partnerAdmin', 'partnerRep'] as const)
      assert.equal((await h.call(role, 'GET', path)).status, 403);
    const response = await h.call('salesRep', 'GET', path);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { program } = response.body;
    assert.deepEqual(program.period, { start: '2026-07-01', end: '2026-10-01' });
    assert.equal(program.totals.sourcedRevenue, 1_300_000);
    assert.equal(program.totals.influencedRevenue, 50_000, 'influenced is kept apart from sourced');
    assert.equal(program.totals.wonDeals, 3);
    assert.equal(program.totals.registrations, 2, 'B’s deal was submitted before the period');
    assert.ok(Array.isArray(program.tierDistribution));
    // Ending the day before the closes leaves no revenue: `to` is inclusive, not beyond.
    const before = await h.call('channelManager', 'GET', '/api/partners/metrics?from=2026-07-01&to=2026-08-14');
    assert.equal(before.body.program.totals.sourcedRevenue, 0);
  });

  it('names the field of a missing or impossible date', async () => {
    const missing = await h.call('channelAdmin', 'GET', '/api/partners/metrics?to=2026-09-30');
    assert.equal(missing.status, 422);
    assert.deepEqual(fields(missing), ['from']);
    const impossible = await h.call('channelAdmin', 'GET', '/api/partners/metrics?from=2026-02-30&to=2026-03-31');
    assert.equal(impossible.status, 422);
    assert.deepEqual(fields(impossible), ['from']);
    const backwards = await h.call('channelAdmin', 'GET', '/api/partners/metrics?from=2026-09-30&to=2026-07-01');
    assert.equal(backwards.status, 422);
    assert.deepEqual(fields(backwards), ['to']);
  });

  it('gives partner users their own scorecard only; vendor roles any partner’s', async () => {
    const period = 'from=2026-07-01&to=2026-09-30';
    const own = await h.call('partnerAdmin', 'GET', `/api/partners/scorecard?${period}`);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.body.partner, A);
    assert.equal(own.body.totals.sourcedRevenue, 300_000);
    assert.equal(own.body.totals.influencedRevenue, 50_000);

    for (const role of ['partnerAdmin', 'partnerRep'] as const) {
      const theirs = await h.call(role, 'GET', `/api/partners/scorecard?${period}&partner=${B}`);
      assert.equal(theirs.status, 422, `${role}: ${JSON.stringify(theirs.body)}`);
      assert.deepEqual(theirs.body.errors, [{ field: 'partner', message: 'must be the id of a partner you can see' }]);
      assert.equal(theirs.body.totals, undefined, 'nothing of the other partner leaks');
    }
    const vendor = await h.call('salesRep', 'GET', `/api/partners/scorecard?${period}&partner=${B}`);
    assert.equal(vendor.status, 200);
    assert.equal(vendor.body.totals.sourcedRevenue, 1_000_000);

    // One partner's scorecard agrees with the same partner's share of the program computation.
    const program = await h.call('channelAdmin', 'GET', `/api/partners/metrics?${period}`);
    assert.equal(
      own.body.totals.sourcedRevenue + vendor.body.totals.sourcedRevenue,
      program.body.program.totals.sourcedRevenue,
    );

    const noPartner = await h.call('channelManager', 'GET', `/api/partners/scorecard?${period}`);
    assert.equal(noPartner.status, 422);
    assert.deepEqual(fields(noPartner), ['partner']);
    const unknown = await h.call('channelManager', 'GET', `/api/partners/scorecard?${period}&partner=nope`);
    assert.equal(unknown.status, 422);
    assert.deepEqual(fields(unknown), ['partner']);
  });

  it('computes plan progress from the real data and stores each goal’s actual', async () => {
    const response = await h.call('partnerRep', 'POST', `/api/joint-business-plans/${plan}/progress`, {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { record: _plan, ...progress } = response.body;
    const revenue = progress.goals.find((g: { goal: string }) => g.goal === revenueGoal);
    assert.equal(revenue.actual, 3000, '300,000 minor units are 3,000.00 USD');
    assert.equal(revenue.attainment, 0.5);
    assert.equal(progress.attainment, 0.5);
    assert.deepEqual(
      progress.overdueActions.map((a: { name: string }) => a.name),
      ['Joint webinar'],
    );
    const goal = await h.call('partnerRep', 'GET', `/api/plan-goals/${revenueGoal}`);
    assert.equal(goal.body.actual, 3000);
    assert.equal(goal.body.progressComputedAt, '2026-11-26T10:00:00.000Z');

    const theirs = h.records.B.get('jointBusinessPlan');
    assert.equal((await h.call('partnerRep', 'POST', `/api/joint-business-plans/${theirs}/progress`, {})).status, 404);
  });

  it('fills a business review’s scorecard and verdict for its quarter', async () => {
    const review = await create('/api/business-reviews', {
      name: 'A 2026-Q3',
      partner: A,
      jointBusinessPlan: plan,
      quarter: '2026-Q3',
    });
    const path = `/api/business-reviews/${review.id}/compute`;
    assert.equal((await h.call('partnerAdmin', 'POST', path, {})).status, 403);
    const response = await h.call('channelManager', 'POST', path, {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const record = response.body.record;
    assert.equal(record.sourcedRevenue, 300_000);
    assert.equal(record.influencedRevenue, 50_000);
    assert.equal(record.registrations, 2);
    // Q3 is half of the plan's period: targets 3,000 USD and 2 registrations, both met exactly.
    assert.equal(record.attainmentPercent, 100);
    assert.equal(record.verdict, 'on_plan');

    const unplanned = await create('/api/business-reviews', { name: 'A 2026-Q4', partner: A, quarter: '2026-Q4' });
    const refused = await h.call('channelManager', 'POST', `/api/business-reviews/${unplanned.id}/compute`, {});
    assert.equal(refused.status, 422);
    assert.deepEqual(fields(refused), ['jointBusinessPlan']);
    // A review of B on A's plan is refused where it is written, so no review ever computes across partners.
    const mismatch = await h.call('channelManager', 'POST', '/api/business-reviews', {
      name: 'B with A’s plan',
      partner: B,
      jointBusinessPlan: plan,
      quarter: '2026-Q3',
    });
    assert.equal(mismatch.status, 422);
    assert.deepEqual(fields(mismatch), ['partner']);
  });
});
