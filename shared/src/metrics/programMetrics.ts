/**
 * Program metrics and every partner's scorecard for one period, in one pass over the deals. Each
 * additive figure is kept twice, per partner and for the program, by separate accumulators: the program
 * totals are not the sum of the scorecards by construction, so a test can check that they agree.
 * Definitions: docs/metrics.md.
 */
import type {
  Certification,
  Enrollment,
  FundClaim,
  FundRequest,
  MdfAllocation,
  MdfBudget,
  NpsResponse,
} from '../generated/types.ts';
import type { Money } from '../money.ts';
import { ValidationError } from '../errors.ts';
import { dealFlag, type DealColumns, type ExchangeRates } from './dealColumns.ts';
import { median, netPromoterScore, npsCategory, ratio } from './ratios.ts';

export interface MetricsPartner {
  id: string;
  tier: string | null;
  /** When the agreement was signed: where time to first deal starts. */
  onboardingCompletedOn: string | null;
  /** Partner users (contacts) the partner has: the denominator of certification coverage. */
  partnerUsers: number;
}

/** Half-open: `start` included, `end` excluded, both ISO dates or date-times. */
export interface Period {
  start: string;
  end: string;
}

export interface MdfRecords {
  budgets: Pick<MdfBudget, 'id' | 'periodStart' | 'periodEnd' | 'allocationMethod'>[];
  allocations: Pick<MdfAllocation, 'mdfBudget' | 'partner' | 'currency' | 'allocatedAmount'>[];
  requests: Pick<
    FundRequest,
    'id' | 'partner' | 'mdfBudget' | 'status' | 'currency' | 'approvedAmount' | 'activityStart' | 'activityEnd'
  >[];
  claims: Pick<FundClaim, 'fundRequest' | 'partner' | 'currency' | 'claimedAmount' | 'paidAmount' | 'status'>[];
}

export interface MetricsInput {
  currency: string;
  partners: readonly MetricsPartner[];
  deals: DealColumns;
  enrollments: readonly Pick<Enrollment, 'partner' | 'status' | 'assignedAt' | 'completedAt'>[];
  certifications: readonly Pick<Certification, 'partner' | 'partnerContact' | 'earnedOn' | 'expiresOn' | 'status'>[];
  npsResponses: readonly Pick<NpsResponse, 'partner' | 'score' | 'respondedAt'>[];
  mdf: MdfRecords;
  /** Days after an MDF activity ends during which new registrations are credited to it (default 90). */
  mdfAttributionDays?: number;
  rates?: ExchangeRates;
}

/** The additive figures: these add up across partners to the program totals. */
export const totalNames = [
  'registrations',
  'approvedRegistrations',
  'rejectedRegistrations',
  'registrationsWon',
  'wonDeals',
  'lostDeals',
  'sourcedRevenue',
  'influencedRevenue',
  'promoters',
  'passives',
  'detractors',
  'enrollments',
  'completedEnrollments',
  'certifiedPeople',
  'partnerUsers',
  'mdfAllocated',
  'mdfApproved',
  'mdfClaimed',
  'mdfPaid',
  /** Paid from allocated (not pooled) budgets: the numerator of utilisation, so both sides cover the same money. */
  'mdfPaidFromAllocations',
  'mdfAttributedRevenue',
] as const;
export type TotalName = (typeof totalNames)[number];
export type MetricTotals = Record<TotalName, number>;

const K = totalNames.length;
const at = Object.fromEntries(totalNames.map((name, index) => [name, index])) as Record<TotalName, number>;

export interface MetricRates {
  sourcedRevenue: Money;
  influencedRevenue: Money;
  approvalRate: number | null;
  conversionRate: number | null;
  winRate: number | null;
  nps: number | null;
  trainingCompletionRate: number | null;
  certificationRate: number | null;
  mdfUtilisation: number | null;
  mdfRoi: number | null;
}

export interface Scorecard {
  partner: string;
  tier: string | null;
  period: Period;
  totals: MetricTotals;
  rates: MetricRates;
  timeToFirstDealDays: number | null;
}

export interface TierMetrics {
  tier: string | null;
  partners: number;
  totals: MetricTotals;
  rates: MetricRates;
}

export interface ProgramMetrics {
  period: Period;
  currency: string;
  partners: number;
  totals: MetricTotals;
  rates: MetricRates;
  medianTimeToFirstDealDays: number | null;
  /** Partners per tier id (`null` for partners without a tier). */
  tierDistribution: Map<string | null, number>;
}

export interface MetricsResult {
  program: ProgramMetrics;
  scorecards: Scorecard[];
  byTier: TierMetrics[];
}

const DAY = 86_400_000;

export function deriveRates(totals: MetricTotals, currency: string): MetricRates {
  return {
    sourcedRevenue: { amount: totals.sourcedRevenue, currency },
    influencedRevenue: { amount: totals.influencedRevenue, currency },
    approvalRate: ratio(totals.approvedRegistrations, totals.approvedRegistrations + totals.rejectedRegistrations),
    conversionRate: ratio(totals.registrationsWon, totals.registrations),
    winRate: ratio(totals.wonDeals, totals.wonDeals + totals.lostDeals),
    nps: netPromoterScore(totals),
    trainingCompletionRate: ratio(totals.completedEnrollments, totals.enrollments),
    certificationRate: ratio(totals.certifiedPeople, totals.partnerUsers),
    mdfUtilisation: ratio(totals.mdfPaidFromAllocations, totals.mdfAllocated),
    mdfRoi: ratio(totals.mdfAttributedRevenue - totals.mdfPaid, totals.mdfPaid),
  };
}

function totalsAt(values: Float64Array, offset: number): MetricTotals {
  const totals = {} as MetricTotals;
  for (let k = 0; k < K; k++) totals[totalNames[k]] = values[offset + k];
  return totals;
}

export function computeMetrics(input: MetricsInput, period: Period): MetricsResult {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  if (!(start < end)) throw new ValidationError([{ field: 'period', message: 'The period must end after it starts.' }]);
  const { currency, partners, deals } = input;
  const rates = input.rates ?? {};
  const P = partners.length;
  const indexOf = new Map(partners.map((partner, index) => [partner.id, index]));
  const byPartner = new Float64Array(P * K);
  const program = new Float64Array(K);

  const partnerIndex = (id: string, field: string): number => {
    const index = indexOf.get(id);
    if (index === undefined)
      throw new ValidationError([{ field, message: `Partner ${id} is not among the partners measured.` }]);
    return index;
  };
  const inProgramCurrency = (amount: number | null, from: string, field: string): number => {
    if (amount === null) return 0;
    const rate = from === currency ? 1 : rates[from];
    if (rate === undefined)
      throw new ValidationError([{ field, message: `No exchange rate from ${from} to ${currency}.` }]);
    return Math.round(amount * rate);
  };
  const add = (partner: number, total: number, value: number) => {
    byPartner[partner * K + total] += value;
    program[total] += value;
  };

  // MDF first, because paid activities open the windows in which deals are credited to MDF.
  const attributionMs = (input.mdfAttributionDays ?? 90) * DAY;
  const budgetsInPeriod = new Map(
    input.mdf.budgets
      .filter((budget) => Date.parse(budget.periodStart) < end && Date.parse(budget.periodEnd) + DAY > start)
      .map((budget) => [budget.id, budget]),
  );
  input.mdf.allocations.forEach((allocation, i) => {
    if (!budgetsInPeriod.has(allocation.mdfBudget)) return;
    const p = partnerIndex(allocation.partner, `mdf.allocations.${i}.partner`);
    add(
      p,
      at.mdfAllocated,
      inProgramCurrency(allocation.allocatedAmount, allocation.currency, `mdf.allocations.${i}.currency`),
    );
  });
  const requestsInPeriod = new Map<string, (typeof input.mdf.requests)[number]>();
  input.mdf.requests.forEach((request, i) => {
    if (!budgetsInPeriod.has(request.mdfBudget)) return;
    requestsInPeriod.set(request.id, request);
    if (request.status !== 'approved') return;
    const p = partnerIndex(request.partner, `mdf.requests.${i}.partner`);
    add(p, at.mdfApproved, inProgramCurrency(request.approvedAmount, request.currency, `mdf.requests.${i}.currency`));
  });
  const windowsByPartner: Array<Array<[number, number]>> = Array.from({ length: P }, () => []);
  input.mdf.claims.forEach((claim, i) => {
    const request = requestsInPeriod.get(claim.fundRequest);
    if (request === undefined || claim.status === 'draft' || claim.status === 'rejected') return;
    const p = partnerIndex(claim.partner, `mdf.claims.${i}.partner`);
    add(p, at.mdfClaimed, inProgramCurrency(claim.claimedAmount, claim.currency, `mdf.claims.${i}.currency`));
    if (claim.status !== 'paid') return;
    const paid = inProgramCurrency(claim.paidAmount, claim.currency, `mdf.claims.${i}.currency`);
    add(p, at.mdfPaid, paid);
    if (budgetsInPeriod.get(request.mdfBudget)!.allocationMethod !== 'pooled') add(p, at.mdfPaidFromAllocations, paid);
    windowsByPartner[p].push([
      Date.parse(request.activityStart),
      Date.parse(request.activityEnd) + DAY + attributionMs,
    ]);
  });
  // Windows as flat arrays (CSR) so the deal loop reads numbers only.
  const windowOffset = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) windowOffset[p + 1] = windowOffset[p] + windowsByPartner[p].length;
  const windowStart = new Float64Array(windowOffset[P]);
  const windowEnd = new Float64Array(windowOffset[P]);
  for (let p = 0; p < P; p++) {
    windowsByPartner[p].forEach(([from, to], w) => {
      windowStart[windowOffset[p] + w] = from;
      windowEnd[windowOffset[p] + w] = to;
    });
  }

  // The hot loop: numbers only, no allocation.
  const firstWonAt = new Float64Array(P).fill(Infinity);
  const { partner: dealPartner, flags: dealFlags, amount, submittedAt, closedAt } = deals;
  for (let d = 0; d < deals.count; d++) {
    const p = dealPartner[d];
    const flags = dealFlags[d];
    const base = p * K;
    const submitted = submittedAt[d];
    const closed = closedAt[d];
    if (flags & dealFlag.won && closed < firstWonAt[p]) firstWonAt[p] = closed;
    if (flags & dealFlag.submitted && submitted >= start && submitted < end) {
      byPartner[base + at.registrations]++;
      program[at.registrations]++;
      if (flags & dealFlag.approved) {
        byPartner[base + at.approvedRegistrations]++;
        program[at.approvedRegistrations]++;
      } else if (flags & dealFlag.rejected) {
        byPartner[base + at.rejectedRegistrations]++;
        program[at.rejectedRegistrations]++;
      }
      if (flags & dealFlag.won) {
        byPartner[base + at.registrationsWon]++;
        program[at.registrationsWon]++;
      }
    }
    if (!(closed >= start && closed < end)) continue;
    if (flags & dealFlag.won) {
      byPartner[base + at.wonDeals]++;
      program[at.wonDeals]++;
      const value = amount[d];
      if (flags & dealFlag.sourced) {
        byPartner[base + at.sourcedRevenue] += value;
        program[at.sourcedRevenue] += value;
        for (let w = windowOffset[p]; w < windowOffset[p + 1]; w++) {
          if (submitted >= windowStart[w] && submitted < windowEnd[w]) {
            byPartner[base + at.mdfAttributedRevenue] += value;
            program[at.mdfAttributedRevenue] += value;
            break;
          }
        }
      } else if (flags & dealFlag.influenced) {
        byPartner[base + at.influencedRevenue] += value;
        program[at.influencedRevenue] += value;
      }
    } else if (flags & dealFlag.lost) {
      byPartner[base + at.lostDeals]++;
      program[at.lostDeals]++;
    }
  }

  input.npsResponses.forEach((response, i) => {
    const answered = Date.parse(response.respondedAt);
    if (!(answered >= start && answered < end)) return;
    const p = partnerIndex(response.partner, `npsResponses.${i}.partner`);
    const category = npsCategory(response.score);
    add(p, category === 'promoter' ? at.promoters : category === 'passive' ? at.passives : at.detractors, 1);
  });
  input.enrollments.forEach((enrollment, i) => {
    // Withdrawn enrollments are not training anyone was expected to finish.
    if (
      enrollment.status === 'withdrawn' ||
      enrollment.assignedAt === null ||
      !(Date.parse(enrollment.assignedAt) < end)
    )
      return;
    const p = partnerIndex(enrollment.partner, `enrollments.${i}.partner`);
    add(p, at.enrollments, 1);
    if (
      enrollment.status === 'completed' &&
      enrollment.completedAt !== null &&
      Date.parse(enrollment.completedAt) < end
    ) {
      add(p, at.completedEnrollments, 1);
    }
  });
  const certified = new Set<string>();
  input.certifications.forEach((certification, i) => {
    // Certified at the end of the period: earned before it, not expired by then, not revoked.
    if (certification.status === 'revoked' || !(Date.parse(certification.earnedOn) < end)) return;
    if (certification.expiresOn !== null && Date.parse(certification.expiresOn) + DAY <= end) return;
    if (certified.has(certification.partnerContact)) return;
    certified.add(certification.partnerContact);
    add(partnerIndex(certification.partner, `certifications.${i}.partner`), at.certifiedPeople, 1);
  });
  partners.forEach((partner, p) => add(p, at.partnerUsers, partner.partnerUsers));

  const scorecards: Scorecard[] = [];
  const daysToFirstDeal: number[] = [];
  const tierDistribution = new Map<string | null, number>();
  const tierTotals = new Map<string | null, { partners: number; values: Float64Array }>();
  for (let p = 0; p < P; p++) {
    const partner = partners[p];
    const totals = totalsAt(byPartner, p * K);
    let timeToFirstDealDays: number | null = null;
    if (partner.onboardingCompletedOn !== null && firstWonAt[p] !== Infinity) {
      // A win recorded before onboarding completed (migrated data) counts as day 0, not negative.
      timeToFirstDealDays = Math.max(0, Math.floor((firstWonAt[p] - Date.parse(partner.onboardingCompletedOn)) / DAY));
      daysToFirstDeal.push(timeToFirstDealDays);
    }
    scorecards.push({
      partner: partner.id,
      tier: partner.tier,
      period,
      totals,
      rates: deriveRates(totals, currency),
      timeToFirstDealDays,
    });
    tierDistribution.set(partner.tier, (tierDistribution.get(partner.tier) ?? 0) + 1);
    let tier = tierTotals.get(partner.tier);
    if (tier === undefined) tierTotals.set(partner.tier, (tier = { partners: 0, values: new Float64Array(K) }));
    tier.partners++;
    for (let k = 0; k < K; k++) tier.values[k] += byPartner[p * K + k];
  }
  const programTotals = totalsAt(program, 0);
  return {
    program: {
      period,
      currency,
      partners: P,
      totals: programTotals,
      rates: deriveRates(programTotals, currency),
      medianTimeToFirstDealDays: median(daysToFirstDeal),
      tierDistribution,
    },
    scorecards,
    byTier: [...tierTotals].map(([tier, { partners: count, values }]) => {
      const totals = totalsAt(values, 0);
      return { tier, partners: count, totals, rates: deriveRates(totals, currency) };
    }),
  };
}
