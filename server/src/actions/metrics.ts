/**
 * Program metrics, partner scorecards, joint business plan progress and business review scorecards.
 * Every figure comes from the core (metrics/programMetrics.ts, planning/*.ts) over the records in the
 * store; this module only gathers the records and decides who may see which partner's numbers.
 * The record gathering is shared with the tier evaluation (tiers.ts, jobs/programJobs.ts), so a tier
 * criterion and a scorecard always count the same deals.
 */
import { z } from 'zod';
import { DateTime } from 'luxon';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { ObjectName } from '@prm/core/schema/validate';
import { ValidationError } from '@prm/core/errors';
import type { Certification, FundClaim, FundRequest, MdfBudget, Partner, Program } from '@prm/core/generated/types';
import {
  computeMetrics,
  type MetricsInput,
  type MetricsResult,
  type Period,
  type ProgramMetrics,
  type Scorecard,
} from '@prm/core/metrics/programMetrics';
import { dealColumnsFrom } from '@prm/core/metrics/dealColumns';
import { planActualsFrom, planProgress } from '@prm/core/planning/progress';
import { quarterlyReview } from '@prm/core/planning/businessReview';
import { quarterPeriod } from '@prm/core/metrics/periods';
import { collectionAction, recordAction } from '../http/actions.ts';
import { isPartnerUser, systemActor } from '../auth/policy.ts';
import {
  findRecord,
  getReferencedRecord,
  listRecords,
  unseenLookup,
  writeUpdate,
  type Tx,
} from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';

const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);
const managers = ['channelAdmin', 'channelManager'] as const;
const vendorRoles = ['channelAdmin', 'channelManager', 'salesRep'] as const;

/**
 * Every record matching `where`, page by page (the repository caps a page at 200), across partners:
 * for an aggregate the person was already authorised to see (budgets, every partner's deals).
 */
export async function listAll<Name extends ObjectName>(
  tx: Tx,
  objectName: Name,
  where: Record<string, unknown> = {},
): Promise<RecordOf<Name>[]> {
  const all: RecordOf<Name>[] = [];
  let after: string | undefined;
  do {
    const page = await listRecords(tx, systemActor('program-records'), object(objectName), {
      where,
      after,
      limit: 200,
    });
    all.push(...page.records);
    after = page.next ?? undefined;
  } while (after);
  return all;
}

/** The program whose currency and rules apply: the one named, or the only one there is. */
export async function programFor(tx: Tx, programId?: string): Promise<Program> {
  if (programId) {
    const found = await findRecord(tx, object('program'), programId);
    if (!found) throw new ValidationError([{ field: 'program', message: 'must be the id of a partner program' }]);
    return found;
  }
  const programs = await listAll(tx, 'program');
  const active = programs.filter((program) => program.active !== false);
  if (active.length === 1) return active[0];
  throw new ValidationError([
    {
      field: 'program',
      message: active.length === 0 ? 'No active partner program exists.' : 'Name the program: more than one is active.',
    },
  ]);
}

export interface ProgramRecords {
  program: Program;
  partners: Partner[];
  input: MetricsInput;
  requests: FundRequest[];
  claims: FundClaim[];
  budgets: MdfBudget[];
  certifications: Certification[];
}

/**
 * Everything computeMetrics reads, for every partner or for one. Restricting to one partner is exact,
 * not an approximation: every additive figure of a scorecard depends only on that partner's records.
 */
export async function gatherProgramRecords(
  tx: Tx,
  options: { program?: string; partner?: string } = {},
): Promise<ProgramRecords> {
  const program = await programFor(tx, options.program);
  const byPartner = options.partner ? { partner: options.partner } : {};
  let partners: Partner[];
  if (options.partner) {
    const found = await findRecord(tx, object('partner'), options.partner);
    if (!found) throw new ValidationError([unseenLookup('partner', object('partner'))]);
    partners = [found];
  } else partners = await listAll(tx, 'partner');
  const [contacts, deals, enrollments, certifications, npsResponses, budgets, allocations, requests, claims] =
    await Promise.all([
      listAll(tx, 'partnerContact', byPartner),
      listAll(tx, 'dealRegistration', byPartner),
      listAll(tx, 'enrollment', byPartner),
      listAll(tx, 'certification', byPartner),
      listAll(tx, 'npsResponse', byPartner),
      listAll(tx, 'mdfBudget'),
      listAll(tx, 'mdfAllocation', byPartner),
      listAll(tx, 'fundRequest', byPartner),
      listAll(tx, 'fundClaim', byPartner),
    ]);
  const usersOf = new Map<string, number>();
  for (const contact of contacts)
    if (contact.partner) usersOf.set(contact.partner, (usersOf.get(contact.partner) ?? 0) + 1);
  const partnerIds = partners.map((partner) => partner.id);
  return {
    program,
    partners,
    requests,
    claims,
    budgets,
    certifications,
    input: {
      currency: program.currency,
      partners: partners.map((partner) => ({
        id: partner.id,
        tier: partner.tier,
        onboardingCompletedOn: partner.onboardingCompletedOn,
        partnerUsers: usersOf.get(partner.id) ?? 0,
      })),
      deals: dealColumnsFrom(deals, partnerIds, program.currency),
      enrollments,
      certifications,
      npsResponses,
      mdf: { budgets, allocations, requests, claims },
    },
  };
}

const isoDate = (field: string) =>
  z
    .string(`${field} is required, as YYYY-MM-DD`)
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
    .refine((value) => DateTime.fromISO(value, { zone: 'utc' }).isValid, 'must be a real calendar date');

const periodQuery = {
  from: isoDate('from'),
  /** Inclusive: `to=2026-03-31` counts the whole of 31 March. */
  to: isoDate('to'),
  program: z.string().max(64).optional(),
};

/** The API's inclusive `from`..`to` as the core's half-open period. */
export function periodFrom(from: string, to: string): Period {
  if (to < from) throw new ValidationError([{ field: 'to', message: 'must be on or after from' }]);
  return { start: from, end: DateTime.fromISO(to, { zone: 'utc' }).plus({ days: 1 }).toISODate()! };
}

/** Maps do not survive JSON; the tier distribution is sent as rows. */
function programForJson(program: ProgramMetrics) {
  return {
    ...program,
    tierDistribution: [...program.tierDistribution].map(([tier, partners]) => ({ tier, partners })),
  };
}

async function scorecardFor(tx: Tx, partner: string, period: Period, program?: string): Promise<Scorecard> {
  const records = await gatherProgramRecords(tx, { partner, program });
  return computeMetrics(records.input, period).scorecards[0];
}

function plainDate(value: string): string {
  return value.slice(0, 10);
}

export const actions = [
  collectionAction({
    object: 'partner',
    name: 'metrics',
    method: 'GET',
    summary: 'Program metrics for a period (from..to inclusive), in total and per tier',
    roles: vendorRoles,
    body: z.object(periodQuery),
    async run({ tx }, query) {
      const period = periodFrom(query.from, query.to);
      const records = await gatherProgramRecords(tx, { program: query.program });
      const result: MetricsResult = computeMetrics(records.input, period);
      return { program: programForJson(result.program), byTier: result.byTier };
    },
  }),
  collectionAction({
    object: 'partner',
    name: 'scorecard',
    method: 'GET',
    summary: 'One partner’s scorecard for a period; partner users see only their own partner’s',
    roles: ['channelAdmin', 'channelManager', 'salesRep', 'partnerAdmin', 'partnerRep'],
    body: z.object({ ...periodQuery, partner: z.string().max(64).optional() }),
    async run({ tx, actor }, query) {
      const partnerId = query.partner ?? (isPartnerUser(actor) ? (actor.partnerId ?? undefined) : undefined);
      if (!partnerId) throw new ValidationError([{ field: 'partner', message: 'is required: the partner’s id' }]);
      // Another partner is one a partner user cannot see, exactly as with its records.
      await getReferencedRecord(tx, actor, object('partner'), partnerId, 'partner');
      return scorecardFor(tx, partnerId, periodFrom(query.from, query.to), query.program);
    },
  }),
  recordAction({
    object: 'jointBusinessPlan',
    name: 'progress',
    summary: 'Compute the plan’s progress from the real data over its period and store each goal’s actual',
    roles: ['channelAdmin', 'channelManager', 'salesRep', 'partnerAdmin', 'partnerRep'],
    body: z.strictObject({}),
    async run({ tx, actor, now }, plan) {
      const period = periodFrom(plan.periodStart, plan.periodEnd);
      const goals = await listAll(tx, 'planGoal', { jointBusinessPlan: plan.id });
      const planActions = await listAll(tx, 'planAction', { jointBusinessPlan: plan.id });
      const scorecard = await scorecardFor(tx, plan.partner, period);
      const earned = (await listAll(tx, 'certification', { partner: plan.partner })).filter(
        (c) => c.earnedOn >= period.start && c.earnedOn < period.end,
      ).length;
      const campaigns = (await listAll(tx, 'campaign', { partner: plan.partner })).filter(
        (c) => c.status !== 'cancelled' && c.startsOn !== null && c.startsOn >= period.start && c.startsOn < period.end,
      ).length;
      const progress = planProgress(
        plan,
        goals,
        planActions,
        planActualsFrom(scorecard, earned, campaigns),
        plainDate(now.toISOString()),
      );
      // The actuals are stored so list views and the CRM show them; they are the rules', never typed in.
      for (const goal of goals) {
        const computed = progress.goals.find((g) => g.goal === goal.id)!;
        await writeUpdate(
          tx,
          now,
          actor,
          object('planGoal'),
          goal,
          goal.version,
          { actual: Math.round(computed.actual * 100) / 100, progressComputedAt: now.toISOString() },
          'compute-progress',
        );
      }
      return { changes: {}, result: progress };
    },
  }),
  recordAction({
    object: 'businessReview',
    name: 'compute',
    summary: 'Fill the review’s scorecard (revenue, registrations, attainment, verdict) from its plan and quarter',
    roles: managers,
    body: z.strictObject({}),
    async run({ tx }, review) {
      if (!review.jointBusinessPlan)
        throw new ValidationError([{ field: 'jointBusinessPlan', message: 'Link the plan this review compares.' }]);
      const period = quarterPeriod(review.quarter);
      const plan = await findRecord(tx, object('jointBusinessPlan'), review.jointBusinessPlan);
      if (!plan || plan.partner !== review.partner)
        throw new ValidationError([{ field: 'jointBusinessPlan', message: 'must be a plan of the reviewed partner' }]);
      const goals = await listAll(tx, 'planGoal', { jointBusinessPlan: plan.id });
      const scorecard = await scorecardFor(tx, review.partner, period);
      const earned = (await listAll(tx, 'certification', { partner: review.partner })).filter(
        (c) => c.earnedOn >= period.start && c.earnedOn < period.end,
      ).length;
      const campaigns = (await listAll(tx, 'campaign', { partner: review.partner })).filter(
        (c) => c.status !== 'cancelled' && c.startsOn !== null && c.startsOn >= period.start && c.startsOn < period.end,
      ).length;
      const scored = quarterlyReview(plan, goals, planActualsFrom(scorecard, earned, campaigns), review.quarter);
      return {
        changes: {
          currency: scored.currency,
          sourcedRevenue: scored.sourcedRevenue,
          influencedRevenue: scored.influencedRevenue,
          registrations: scored.registrations,
          attainmentPercent: scored.attainmentPercent,
          verdict: scored.verdict,
        },
        result: { goals: scored.goals },
      };
    },
  }),
];
