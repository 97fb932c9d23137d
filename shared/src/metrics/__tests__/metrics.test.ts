import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { attributeDeal } from '../attribution.ts';
import { dealColumnsFrom, type MetricsDeal } from '../dealColumns.ts';
import { computeMetrics, totalNames, type MetricsInput } from '../programMetrics.ts';
import { netPromoterScore, ratio, median } from '../ratios.ts';
import { quarterPeriod, quarterOf, trailingTwelveMonths, metricsByQuarter } from '../periods.ts';
import { ValidationError } from '../../errors.ts';

const data = JSON.parse(readFileSync(new URL('./data/program.json', import.meta.url), 'utf8'));
const rates = { EUR: 1.1 };
const input: MetricsInput = {
  currency: 'USD',
  partners: data.partners,
  deals: dealColumnsFrom(
    data.deals,
    data.partners.map((p: { id: string }) => p.id),
    'USD',
    rates,
  ),
  enrollments: data.enrollments,
  certifications: data.certifications,
  npsResponses: data.npsResponses,
  mdf: data.mdf,
  rates,
};
const firstHalf = { start: '2026-01-01', end: '2026-07-01' };

describe('attribution', () => {
  const won = {
    status: 'won' as const,
    attribution: null,
    closedAt: '2026-03-01T00:00:00Z',
    protectionEndsAt: '2026-04-01T00:00:00Z',
  };
  it('counts a registered deal won inside its protection window as sourced', () =>
    assert.equal(attributeDeal(won), 'sourced'));
  it('does not count a win after protection lapsed as sourced', () =>
    assert.equal(attributeDeal({ ...won, closedAt: '2026-04-02T00:00:00Z' }), 'none'));
  it('keeps influenced deals apart from sourced ones', () =>
    assert.equal(attributeDeal({ ...won, attribution: 'influenced' }), 'influenced'));
  it('attributes nothing to deals not won', () => assert.equal(attributeDeal({ ...won, status: 'lost' }), 'none'));
});

describe('ratios', () => {
  it('are null, not zero, when there is nothing to divide by', () => {
    assert.equal(ratio(0, 0), null);
    assert.equal(netPromoterScore({ promoters: 0, passives: 0, detractors: 0 }), null);
    assert.equal(median([]), null);
  });
  it('compute NPS as % promoters − % detractors', () => {
    assert.equal(netPromoterScore({ promoters: 2, passives: 1, detractors: 1 }), 25);
  });
});

describe('program metrics and scorecards', () => {
  const result = computeMetrics(input, firstHalf);
  const northwind = result.scorecards[0];
  const contoso = result.scorecards[1];

  it('reports sourced and influenced revenue apart, converting currencies', () => {
    assert.deepEqual(northwind.rates.sourcedRevenue, { amount: 5_000_000, currency: 'USD' });
    assert.deepEqual(northwind.rates.influencedRevenue, { amount: 1_100_000, currency: 'USD' });
    assert.equal(northwind.totals.wonDeals, 3);
  });

  it('counts registration volume, approval, conversion and win rates', () => {
    assert.deepEqual(
      [northwind.totals.registrations, northwind.rates.approvalRate, northwind.rates.conversionRate],
      [3, 2 / 3, 2 / 3],
    );
    assert.deepEqual([contoso.totals.registrations, contoso.rates.winRate], [1, 0]);
  });

  it('measures time to first deal from onboarding to the first win', () => {
    assert.equal(northwind.timeToFirstDealDays, 95);
    assert.equal(contoso.timeToFirstDealDays, null);
    assert.equal(result.program.medianTimeToFirstDealDays, 95);
  });

  it('computes NPS, training completion and certification coverage', () => {
    assert.deepEqual([northwind.rates.nps, contoso.rates.nps, result.program.rates.nps], [67, -100, 25]);
    assert.equal(northwind.rates.trainingCompletionRate, 0.5);
    assert.deepEqual([northwind.totals.certifiedPeople, northwind.rates.certificationRate], [1, 0.1]);
    assert.equal(result.scorecards[2].rates.certificationRate, null);
  });

  it('computes MDF utilisation as paid ÷ allocated and ROI from revenue registered after the activity', () => {
    assert.equal(northwind.rates.mdfUtilisation, 0.6);
    assert.equal(northwind.totals.mdfAttributedRevenue, 5_000_000);
    assert.equal(northwind.rates.mdfRoi, (5_000_000 - 600_000) / 600_000);
    assert.deepEqual([contoso.rates.mdfUtilisation, contoso.rates.mdfRoi], [0, null]);
  });

  it('leaves pooled spending out of utilisation but counts it as spent and in ROI', () => {
    const pooled = {
      ...input,
      mdf: {
        ...data.mdf,
        budgets: [
          ...data.mdf.budgets,
          { id: 'b-pool', periodStart: '2026-01-01', periodEnd: '2026-06-30', allocationMethod: 'pooled' },
        ],
        requests: [...data.mdf.requests, { ...data.mdf.requests[0], id: 'r-pool', mdfBudget: 'b-pool' }],
        claims: [...data.mdf.claims, { ...data.mdf.claims[0], fundRequest: 'r-pool', paidAmount: 400_000 }],
      },
    };
    const [scorecard] = computeMetrics(pooled, firstHalf).scorecards;
    assert.deepEqual([scorecard.totals.mdfPaid, scorecard.rates.mdfUtilisation], [1_000_000, 0.6]);
    assert.equal(scorecard.rates.mdfRoi, (5_000_000 - 1_000_000) / 1_000_000);
  });

  it('groups by tier and reports the tier distribution', () => {
    assert.deepEqual(
      [...result.program.tierDistribution],
      [
        ['t-gold', 1],
        ['t-silver', 2],
      ],
    );
    const silver = result.byTier.find((t) => t.tier === 't-silver')!;
    assert.deepEqual([silver.partners, silver.totals.registrations, silver.totals.partnerUsers], [2, 1, 4]);
  });

  it('measures per quarter', () => {
    const quarters = metricsByQuarter(input, ['2026-Q1', '2026-Q2']);
    assert.equal(quarters.get('2026-Q1')!.program.totals.sourcedRevenue, 0);
    assert.equal(quarters.get('2026-Q2')!.program.totals.sourcedRevenue, 5_000_000);
    assert.deepEqual(quarterPeriod('2026-Q4'), { start: '2026-10-01', end: '2027-01-01' });
    assert.equal(quarterOf('2026-08-15T00:00:00Z'), '2026-Q3');
    assert.deepEqual(trailingTwelveMonths('2026-11-26T00:00:00.000Z'), {
      start: '2025-11-26T00:00:00.000Z',
      end: '2026-11-26T00:00:00.000Z',
    });
  });

  it('refuses deals it cannot convert or place, naming the deal', () => {
    assert.throws(
      () => dealColumnsFrom([{ ...data.deals[2], currency: 'JPY' }], ['p-northwind'], 'USD', rates),
      (e: ValidationError) => e.problems[0].field === 'deals.0.currency',
    );
    assert.throws(
      () => dealColumnsFrom([data.deals[0]], ['p-other'], 'USD'),
      (e: ValidationError) => e.problems[0].field === 'deals.0.partner',
    );
    assert.throws(() => computeMetrics(input, { start: '2026-07-01', end: '2026-01-01' }), ValidationError);
  });
});

describe('metrics add up (property)', () => {
  const partnerIds = ['p0', 'p1', 'p2', 'p3', 'p4'];
  const isoIn2026 = fc
    .integer({ min: Date.parse('2025-10-01'), max: Date.parse('2027-03-01') })
    .map((ms) => new Date(ms).toISOString());
  const deal: fc.Arbitrary<MetricsDeal> = fc.record({
    partner: fc.constantFrom(...partnerIds),
    status: fc.constantFrom(
      'draft',
      'submitted',
      'approved',
      'rejected',
      'converted',
      'won',
      'lost',
      'expired',
      'withdrawn',
    ),
    currency: fc.constantFrom('USD', 'EUR'),
    amount: fc.integer({ min: 0, max: 100_000_000 }),
    submittedAt: fc.option(isoIn2026),
    closedAt: fc.option(isoIn2026),
    protectionEndsAt: fc.option(isoIn2026),
    attribution: fc.constantFrom(null, 'sourced', 'influenced'),
  });
  const nps = fc.record({
    partner: fc.constantFrom(...partnerIds),
    score: fc.integer({ min: 0, max: 10 }),
    respondedAt: isoIn2026,
  });
  const partners = partnerIds.map((id, i) => ({
    id,
    tier: i % 2 === 0 ? 't-gold' : null,
    onboardingCompletedOn: '2025-06-01',
    partnerUsers: i,
  }));

  it('every additive metric summed over the scorecards (and over the tiers) equals the program total', () => {
    fc.assert(
      fc.property(fc.array(deal, { maxLength: 60 }), fc.array(nps, { maxLength: 20 }), (deals, responses) => {
        const result = computeMetrics(
          {
            ...input,
            partners,
            deals: dealColumnsFrom(deals, partnerIds, 'USD', rates),
            npsResponses: responses,
            enrollments: [],
            certifications: [],
            mdf: { budgets: [], allocations: [], requests: [], claims: [] },
          },
          { start: '2026-01-01', end: '2027-01-01' },
        );
        for (const name of totalNames) {
          const byPartner = result.scorecards.reduce((sum, s) => sum + s.totals[name], 0);
          const byTier = result.byTier.reduce((sum, t) => sum + t.totals[name], 0);
          assert.equal(byPartner, result.program.totals[name], name);
          assert.equal(byTier, result.program.totals[name], name);
        }
        // And the single pass agrees with the obvious per-deal definition of sourced revenue.
        const expected = deals
          .filter(
            (d) =>
              attributeDeal(d) === 'sourced' &&
              Date.parse(d.closedAt!) >= Date.parse('2026-01-01') &&
              Date.parse(d.closedAt!) < Date.parse('2027-01-01'),
          )
          .reduce((sum, d) => sum + Math.round(d.amount * (d.currency === 'EUR' ? 1.1 : 1)), 0);
        assert.equal(result.program.totals.sourcedRevenue, expected);
      }),
      { numRuns: 200 },
    );
  });
});
