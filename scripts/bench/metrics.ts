/**
 * `npm run bench -- metrics [--deals N] [--partners N] [--sample N]`: program metrics and every partner's
 * scorecard over deterministic synthetic data (1,000,000 deals, 10,000 partners by default), against a
 * naive baseline measured in the same run: filter the deal list per partner, on a sample, extrapolated.
 */
import { parseArgs } from 'node:util';
import { dealColumnsFrom, type MetricsDeal } from '@prm/core/metrics/dealColumns';
import { computeMetrics, type MetricsInput, type MetricsPartner, type Period } from '@prm/core/metrics/programMetrics';
import { attributeDeal, approvedStatuses } from '@prm/core/metrics/attribution';
import { seededRandom as prng } from '@prm/core/seededRandom';

const DAY = 86_400_000;
const statuses = [
  'submitted',
  'approved',
  'rejected',
  'converted',
  'won',
  'won',
  'won',
  'lost',
  'expired',
  'draft',
] as const;

function generate(dealCount: number, partnerCount: number, seed: number) {
  const random = prng(seed);
  const origin = Date.parse('2025-01-01T00:00:00Z');
  const tiers = ['registered', 'silver', 'gold', 'platinum'];
  const partners: MetricsPartner[] = Array.from({ length: partnerCount }, (_, i) => ({
    id: `p-${i}`,
    tier: tiers[Math.floor(random() * random() * tiers.length)],
    onboardingCompletedOn: new Date(origin - Math.floor(random() * 400) * DAY).toISOString().slice(0, 10),
    partnerUsers: 1 + Math.floor(random() * 20),
  }));
  const deals: MetricsDeal[] = new Array(dealCount);
  for (let i = 0; i < dealCount; i++) {
    // Skewed so that a few partners hold many deals, as in real programs.
    const partner = Math.floor(partnerCount * random() ** 2);
    const status = statuses[Math.floor(random() * statuses.length)];
    const submitted = origin + Math.floor(random() * 700 * DAY);
    const approved = approvedStatuses.has(status);
    const closes = status === 'won' || status === 'lost';
    const closed = submitted + Math.floor(random() * 120 * DAY);
    deals[i] = {
      partner: `p-${partner}`,
      status,
      currency: random() < 0.1 ? 'EUR' : 'USD',
      amount: 100_00 + Math.floor(random() * 500_000_00),
      submittedAt: status === 'draft' ? null : new Date(submitted).toISOString(),
      closedAt: closes ? new Date(closed).toISOString() : null,
      protectionEndsAt: approved ? new Date(submitted + 91 * DAY).toISOString() : null,
      attribution: status === 'won' ? (random() < 0.2 ? 'influenced' : 'sourced') : null,
    };
  }
  return { partners, deals };
}

/** The baseline: what one would write first, one partner at a time over the deal objects. */
function naiveScorecard(
  partnerId: string,
  deals: readonly MetricsDeal[],
  period: Period,
  rates: Record<string, number>,
) {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const mine = deals.filter((deal) => deal.partner === partnerId);
  const inPeriod = (at: string | null) => at !== null && Date.parse(at) >= start && Date.parse(at) < end;
  const amount = (deal: MetricsDeal) => Math.round(deal.amount * (deal.currency === 'USD' ? 1 : rates[deal.currency]));
  const registered = mine.filter((deal) => deal.status !== 'draft' && inPeriod(deal.submittedAt));
  const closed = mine.filter((deal) => inPeriod(deal.closedAt));
  return {
    registrations: registered.length,
    approved: registered.filter((deal) => approvedStatuses.has(deal.status)).length,
    won: closed.filter((deal) => deal.status === 'won').length,
    sourced: closed.filter((deal) => attributeDeal(deal) === 'sourced').reduce((sum, deal) => sum + amount(deal), 0),
    influenced: closed
      .filter((deal) => attributeDeal(deal) === 'influenced')
      .reduce((sum, deal) => sum + amount(deal), 0),
  };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      deals: { type: 'string', default: '1000000' },
      partners: { type: 'string', default: '10000' },
      sample: { type: 'string', default: '100' },
    },
  });
  const dealCount = Number(values.deals);
  const partnerCount = Number(values.partners);
  const sample = Math.min(Number(values.sample), partnerCount);
  const rates = { EUR: 1.08 };
  const period: Period = { start: '2025-07-01T00:00:00Z', end: '2026-07-01T00:00:00Z' };

  let t = performance.now();
  const { partners, deals } = generate(dealCount, partnerCount, 20261126);
  console.log(
    `generated ${dealCount.toLocaleString('en')} deals, ${partnerCount.toLocaleString('en')} partners in ${ms(performance.now() - t)}`,
  );
  globalThis.gc?.();
  const before = process.memoryUsage();

  t = performance.now();
  const columns = dealColumnsFrom(
    deals,
    partners.map((partner) => partner.id),
    'USD',
    rates,
  );
  const loadMs = performance.now() - t;
  const input: MetricsInput = {
    currency: 'USD',
    partners,
    deals: columns,
    enrollments: [],
    certifications: [],
    npsResponses: [],
    mdf: { budgets: [], allocations: [], requests: [], claims: [] },
    rates,
  };
  computeMetrics(input, period); // warm-up, so the figure is the steady state a nightly job sees
  const runs = 5;
  t = performance.now();
  let result = computeMetrics(input, period);
  for (let i = 1; i < runs; i++) result = computeMetrics(input, period);
  const metricsMs = (performance.now() - t) / runs;
  const after = process.memoryUsage();

  t = performance.now();
  const step = Math.floor(partnerCount / sample);
  let checked = 0;
  for (let s = 0; s < sample; s++) {
    const index = s * step;
    const naive = naiveScorecard(partners[index].id, deals, period, rates);
    const fast = result.scorecards[index].totals;
    if (
      naive.registrations !== fast.registrations ||
      naive.won !== fast.wonDeals ||
      naive.sourced !== fast.sourcedRevenue ||
      naive.influenced !== fast.influencedRevenue
    ) {
      throw new Error(`Baseline and single pass disagree for ${partners[index].id}`);
    }
    checked++;
  }
  const naiveMs = ((performance.now() - t) / sample) * partnerCount;

  console.log(
    `program: ${result.program.totals.registrations.toLocaleString('en')} registrations, sourced ${result.program.totals.sourcedRevenue / 100} USD, influenced ${result.program.totals.influencedRevenue / 100} USD`,
  );
  console.log(`build columns (once per load):           ${ms(loadMs)}`);
  console.log(
    `program metrics + ${partnerCount.toLocaleString('en')} scorecards:     ${ms(metricsMs)} (mean of ${runs})`,
  );
  console.log(
    `naive per-partner filter (extrapolated): ${ms(naiveMs)} from ${sample} partners, ${checked} checked equal`,
  );
  console.log(
    `ratio naive / single pass:               ${(naiveMs / metricsMs).toFixed(0)}x (${(naiveMs / (metricsMs + loadMs)).toFixed(0)}x counting the column build)`,
  );
  console.log(
    `memory: heap ${mb(after.heapUsed)} (deal objects ${mb(before.heapUsed)}), columns ${mb(columns.count * 29)}, RSS ${mb(after.rss)}`,
  );
}
