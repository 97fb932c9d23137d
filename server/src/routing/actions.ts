/**
 * Lead distribution actions: a manager routes a new lead into a program's distribution; the offered
 * partner accepts it or declines it with a reason, and a decline re-routes the lead at once. Who gets
 * a lead, when an offer is due and when the lead goes to fallback are the core's decisions
 * (shared/src/routing/offers.ts); server/src/routing loads what they read and writes what they decide.
 */
import { z } from 'zod';
import { declineReasons } from '@prm/core/routing/rules';
import { isPartnerUser } from '../auth/policy.ts';
import { collectionAction, recordAction } from '../http/actions.ts';
import { storedChainProblems } from './ruleChecks.ts';
import { acceptLeadOffer, declineLeadOffer, decisionSummary, routeNewLead } from './leadRouting.ts';

const managers = ['channelAdmin', 'channelManager'] as const;
const partnerUsers = ['partnerAdmin', 'partnerRep'] as const;

const routeBody = z.strictObject({
  program: z.string('must be the id of a program').min(1, 'must be the id of a program').optional(),
  offerTo: z
    .number('must be a number of partners')
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10, 'must be at most 10')
    .optional(),
});

const declineBody = z.strictObject({
  declineReason: z.enum(declineReasons, { error: `must be one of ${declineReasons.join(', ')}` }),
  declineNote: z.string('must be text').max(1000, 'must be at most 1000 characters').optional(),
});

export const actions = [
  collectionAction({
    object: 'routingRule',
    name: 'problems',
    method: 'GET',
    summary:
      'What is wrong with the stored routing rules of every program (a tier renamed since a rule named it): each problem on its rule and field, to fix before it stops a lead',
    roles: managers,
    body: z.strictObject({}),
    async run({ tx }) {
      return { problems: await storedChainProblems(tx) };
    },
  }),
  recordAction({
    object: 'lead',
    name: 'route',
    summary:
      'Offer a new lead to the partner the program’s routing rules pick (offerTo > 1: claim mode, first to accept wins), or send it to fallback; answers with the decision and its explanation',
    roles: managers,
    body: routeBody,
    async run(context, record, body) {
      const persisted = await routeNewLead(context, record.id, body);
      return { changes: persisted.own, result: decisionSummary(persisted) };
    },
  }),
  recordAction({
    object: 'leadOffer',
    name: 'accept',
    summary: 'Accept the offered lead before the offer’s SLA deadline; the lead is assigned to the partner',
    roles: [...partnerUsers, ...managers],
    body: z.strictObject({}),
    async run(context, offer) {
      const persisted = await acceptLeadOffer(context, offer);
      return { changes: persisted.own, result: { lead: persisted.lead.id, routingStatus: persisted.status } };
    },
  }),
  recordAction({
    object: 'leadOffer',
    name: 'decline',
    summary:
      'Decline the offered lead with a reason (other needs a note); it is re-routed at once to another partner, never back to this one, or goes to fallback',
    roles: [...partnerUsers, ...managers],
    body: declineBody,
    async run(context, offer, body) {
      const persisted = await declineLeadOffer(context, offer, body.declineReason, body.declineNote ?? null);
      // Where the lead went next is another partner's business.
      const partnerView = isPartnerUser(context.actor);
      return { changes: persisted.own, ...(partnerView ? {} : { result: decisionSummary(persisted) }) };
    },
  }),
];
