/**
 * MDF actions: allocate a budget by tier, submit and decide fund requests, submit, decide and pay fund
 * claims (budgetAllocation.ts, fundRequests.ts, fundClaims.ts). The caps (approved ≤ remaining balance,
 * claim approved ≤ request approved, paid ≤ claim approved) are the core's (mdf/*.ts).
 */
import { z } from 'zod';
import { collectionAction, recordAction } from '../http/actions.ts';
import { allocateBudgetToPartners } from './budgetAllocation.ts';
import {
  decideOnFundRequest,
  fundRequestDraft,
  startFundRequest,
  submitFundRequestForDecision,
} from './fundRequests.ts';
import {
  decideOnFundClaim,
  fundClaimDraft,
  recordFundClaimPayment,
  startFundClaim,
  submitFundClaimWithProof,
} from './fundClaims.ts';

const managers = ['channelAdmin', 'channelManager'] as const;

const positiveMinorUnits = z.int('must be a whole number of minor units').positive('must be positive');

export const actions = [
  recordAction({
    object: 'mdfBudget',
    name: 'allocate',
    summary: 'Split the budget among active partners by their tier’s MDF share (creates the allocations)',
    roles: ['channelAdmin'],
    body: z.strictObject({}),
    async run(context, budget) {
      return allocateBudgetToPartners(context, budget);
    },
  }),
  recordAction({
    object: 'fundRequest',
    name: 'submit',
    summary: 'Submit a draft fund request for a decision (checked against the budget’s period and deadline)',
    roles: ['partnerAdmin', ...managers],
    body: z.strictObject({}),
    async run(context, request) {
      return submitFundRequestForDecision(context, request);
    },
  }),
  recordAction({
    object: 'fundRequest',
    name: 'decide',
    summary: 'Approve all or part of a submitted request against the remaining balance, or reject it with a reason',
    roles: managers,
    body: z.strictObject({
      verdict: z.enum(['approve', 'reject'], 'must be approve or reject'),
      approvedAmount: positiveMinorUnits.optional(),
      decisionReason: z.string().max(2000).optional(),
    }),
    async run(context, request, body) {
      return decideOnFundRequest(context, request, body);
    },
  }),
  recordAction({
    object: 'fundClaim',
    name: 'submit',
    summary: 'Submit a claim after the activity, with proof of performance, before the claim deadline',
    roles: ['partnerAdmin', ...managers],
    body: z.strictObject({
      proofOfPerformanceUrl: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) link' })
        .max(255)
        .optional(),
      proofDescription: z.string().max(2000).optional(),
    }),
    async run(context, record, body) {
      return submitFundClaimWithProof(context, record, body);
    },
  }),
  recordAction({
    object: 'fundClaim',
    name: 'decide',
    summary: 'Approve a submitted claim at the reimbursement rate (capped by what the request approved) or reject it',
    roles: managers,
    body: z.strictObject({
      verdict: z.enum(['approve', 'reject'], 'must be approve or reject'),
      reimbursementRate: z.number().optional(),
    }),
    async run(context, claim, body) {
      return decideOnFundClaim(context, claim, body);
    },
  }),
  recordAction({
    object: 'fundClaim',
    name: 'pay',
    summary: 'Record the payment of an approved claim (at most its approved amount) with the payment reference',
    roles: ['channelAdmin'],
    body: z.strictObject({
      paymentReference: z.string('is required: the payment reference').max(80),
      paidAmount: z.int('must be a whole number of minor units').min(0).optional(),
    }),
    async run(context, claim, body) {
      return recordFundClaimPayment(context, claim, body);
    },
  }),
  // Drafts a partner starts themselves. Partners cannot see budgets, so a request names the partner's
  // own allocation (which they can see) and the budget is taken from it.
  collectionAction({
    object: 'fundRequest',
    name: 'request',
    method: 'POST',
    creates: true,
    summary: 'Start a fund request (a draft) against one of your allocations',
    roles: ['partnerAdmin', ...managers],
    body: fundRequestDraft,
    async run(context, body) {
      return startFundRequest(context, body);
    },
  }),
  collectionAction({
    object: 'fundClaim',
    name: 'claim',
    method: 'POST',
    creates: true,
    summary: 'Start a fund claim (a draft) for one of your approved fund requests',
    roles: ['partnerAdmin', ...managers],
    body: fundClaimDraft,
    async run(context, body) {
      return startFundClaim(context, body);
    },
  }),
];
