/**
 * Program metrics, partner scorecards, joint business plan progress and business review scorecards,
 * declared; the figures are computed in scorecards.ts and businessPlans.ts. Here is decided who may
 * see which partner's numbers.
 */
import { z } from 'zod';
import { DateTime } from 'luxon';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import { collectionAction, recordAction } from '../http/actions.ts';
import { isPartnerUser } from '../auth/policy.ts';
import { getReferencedRecord } from '../store/repository.ts';
import { periodFrom, programMetricsFor, scorecardFor } from './scorecards.ts';
import { measurePlanProgress, scoreBusinessReview } from './businessPlans.ts';

const managers = ['channelAdmin', 'channelManager'] as const;
const vendorRoles = ['channelAdmin', 'channelManager', 'salesRep'] as const;

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

export const actions = [
  collectionAction({
    object: 'partner',
    name: 'metrics',
    method: 'GET',
    summary: 'Program metrics for a period (from..to inclusive), in total and per tier',
    roles: vendorRoles,
    body: z.object(periodQuery),
    async run({ tx }, query) {
      return programMetricsFor(tx, periodFrom(query.from, query.to), query.program);
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
      await getReferencedRecord(tx, actor, objectNamed(prmObjects, 'partner'), partnerId, 'partner');
      return scorecardFor(tx, partnerId, periodFrom(query.from, query.to), query.program);
    },
  }),
  recordAction({
    object: 'jointBusinessPlan',
    name: 'progress',
    summary: 'Compute the plan’s progress from the real data over its period and store each goal’s actual',
    roles: ['channelAdmin', 'channelManager', 'salesRep', 'partnerAdmin', 'partnerRep'],
    body: z.strictObject({}),
    async run(context, plan) {
      return { changes: {}, result: await measurePlanProgress(context, plan) };
    },
  }),
  recordAction({
    object: 'businessReview',
    name: 'compute',
    summary: 'Fill the review’s scorecard (revenue, registrations, attainment, verdict) from its plan and quarter',
    roles: managers,
    body: z.strictObject({}),
    async run({ tx }, review) {
      const scored = await scoreBusinessReview(tx, review);
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
