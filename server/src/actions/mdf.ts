/**
 * MDF actions: allocate a budget by tier, submit and decide fund requests, submit, decide and pay fund
 * claims. The caps (approved ≤ remaining balance, claim approved ≤ request approved, paid ≤ claim
 * approved) are the core's (mdf/*.ts); this module feeds them the balances as they stand in the store
 * and keeps the allocation's running totals in step.
 *
 * Concurrency: every approval writes the allocation (or, for a pooled budget, the budget) with the
 * version it read, so two approvals racing for the same money cannot both commit: the second fails
 * its version check and its transaction rolls back.
 */
import { z } from 'zod';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import type { FundRequest, MdfAllocation, MdfBudget } from '@prm/core/generated/types';
import { allocateBudget, remainingBalance } from '@prm/core/mdf/allocation';
import { decideFundRequest, submitFundRequest } from '@prm/core/mdf/fundRequests';
import { approveFundClaim, payFundClaim, rejectFundClaim, submitFundClaim } from '@prm/core/mdf/fundClaims';
import { collectionAction, recordAction } from '../http/actions.ts';
import { inputValidators } from '@prm/core/generated/validators';
import { isPartnerUser, type Actor } from '../auth/policy.ts';
import {
  createRecord,
  findRecord,
  getReferencedRecord,
  IntegrityError,
  writeUpdate,
  type Tx,
} from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';
import type { ObjectName } from '@prm/core/schema/validate';
import { listAll } from './metrics.ts';

const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);
const managers = ['channelAdmin', 'channelManager'] as const;

/** A record the action's record refers to. Missing means the data is broken, which the caller must hear about. */
async function referenced<Name extends ObjectName>(
  tx: Tx,
  objectName: Name,
  id: string | null,
  field: string,
): Promise<RecordOf<Name>> {
  const found = id ? await findRecord(tx, object(objectName), id) : undefined;
  if (!found)
    throw new ValidationError([
      { field, message: `must refer to an existing ${object(objectName).label.toLowerCase()}` },
    ]);
  return found;
}

/** The allocation a request draws on; it must be the requesting partner's, in the request's budget. */
async function allocationOf(tx: Tx, request: FundRequest, budget: MdfBudget): Promise<MdfAllocation | null> {
  if (budget.allocationMethod === 'pooled') return null;
  if (request.mdfAllocation) {
    const allocation = await referenced(tx, 'mdfAllocation', request.mdfAllocation, 'mdfAllocation');
    if (allocation.partner !== request.partner || allocation.mdfBudget !== request.mdfBudget)
      throw new ValidationError([
        { field: 'mdfAllocation', message: 'must be the requesting partner’s allocation in the request’s budget' },
      ]);
    return allocation;
  }
  const [allocation] = await listAll(tx, 'mdfAllocation', {
    mdfBudget: budget.id,
    partner: request.partner,
  });
  return allocation ?? null;
}

/** Re-reads a record inside the transaction and writes rule-set totals on it under its version. */
async function bump<Name extends ObjectName>(
  tx: Tx,
  now: Date,
  actor: Actor,
  objectName: Name,
  id: string,
  changes: Partial<RecordOf<Name>>,
  action: string,
): Promise<void> {
  const current = (await findRecord(tx, object(objectName), id))!;
  await writeUpdate(tx, now, actor, object(objectName), current, current.version, changes, action);
}

const positiveMinorUnits = z.int('must be a whole number of minor units').positive('must be positive');

export const actions = [
  recordAction({
    object: 'mdfBudget',
    name: 'allocate',
    summary: 'Split the budget among active partners by their tier’s MDF share (creates the allocations)',
    roles: ['channelAdmin'],
    body: z.strictObject({}),
    async run({ tx, actor, now }, budget) {
      const existing = await listAll(tx, 'mdfAllocation', { mdfBudget: budget.id });
      // Allocating twice would double the money handed out; re-allocation means deleting first, on purpose.
      if (existing.length > 0)
        throw new IntegrityError(`The budget already has ${existing.length} allocations; it is allocated once.`);
      const tiers = await listAll(tx, 'tier', { program: budget.program });
      const partners = await listAll(tx, 'partner', { status: 'active' });
      const drafts = allocateBudget(budget, partners, tiers);
      const created = [];
      for (const draft of drafts)
        created.push(
          await createRecord(tx, now, actor, object('mdfAllocation'), { ...draft, approvedAmount: 0, paidAmount: 0 }),
        );
      return {
        changes: {},
        result: {
          allocations: created.map((a) => ({ id: a.id, partner: a.partner, allocatedAmount: a.allocatedAmount })),
          unallocated: budget.totalAmount - drafts.reduce((sum, d) => sum + d.allocatedAmount, 0),
        },
      };
    },
  }),
  recordAction({
    object: 'fundRequest',
    name: 'submit',
    summary: 'Submit a draft fund request for a decision (checked against the budget’s period and deadline)',
    roles: ['partnerAdmin', ...managers],
    body: z.strictObject({}),
    async run({ tx, now }, request) {
      const budget = await referenced(tx, 'mdfBudget', request.mdfBudget, 'mdfBudget');
      const submitted = submitFundRequest(request, budget, now.toISOString());
      const allocation = await allocationOf(tx, request, budget);
      if (budget.allocationMethod !== 'pooled' && allocation === null)
        throw new ValidationError([
          { field: 'mdfAllocation', message: 'The partner has no allocation in this budget to request from.' },
        ]);
      return { changes: { status: submitted.status, mdfAllocation: allocation?.id ?? null } };
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
    async run({ tx, actor, now }, request, body) {
      const budget = await referenced(tx, 'mdfBudget', request.mdfBudget, 'mdfBudget');
      const allocation = await allocationOf(tx, request, budget);
      const drawing = await listAll(
        tx,
        'fundRequest',
        allocation
          ? { mdfAllocation: allocation.id, status: 'approved' }
          : { mdfBudget: budget.id, status: 'approved' },
      );
      const remaining = remainingBalance(budget, allocation, drawing);
      const decided = decideFundRequest(
        request,
        body.verdict === 'approve'
          ? { verdict: 'approve', amount: body.approvedAmount, decidedBy: actor.name, reason: body.decisionReason }
          : { verdict: 'reject', decidedBy: actor.name, reason: body.decisionReason ?? '' },
        remaining,
        now.toISOString(),
      );
      if (decided.status === 'approved') {
        if (allocation) {
          const approvedTotal = drawing.reduce((sum, r) => sum + (r.approvedAmount ?? 0), 0) + decided.approvedAmount!;
          await writeUpdate(
            tx,
            now,
            actor,
            object('mdfAllocation'),
            allocation,
            allocation.version,
            { approvedAmount: approvedTotal },
            'approve-request',
          );
        } else {
          // A pooled budget has no running total; writing it under its version serialises approvals on the pool.
          await writeUpdate(tx, now, actor, object('mdfBudget'), budget, budget.version, {}, 'approve-request');
        }
      }
      return {
        changes: {
          status: decided.status,
          approvedAmount: decided.approvedAmount,
          decidedAt: decided.decidedAt,
          decidedBy: decided.decidedBy,
          decisionReason: decided.decisionReason,
          mdfAllocation: allocation?.id ?? null,
        },
        result: { remainingBefore: remaining },
      };
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
    async run({ tx, now }, record, body) {
      const claim = { ...record, ...body };
      const request = await referenced(tx, 'fundRequest', claim.fundRequest, 'fundRequest');
      if (request.partner !== claim.partner)
        throw new ValidationError([
          { field: 'fundRequest', message: 'must be a fund request of the claiming partner' },
        ]);
      const budget = await referenced(tx, 'mdfBudget', request.mdfBudget, 'mdfBudget');
      const submitted = submitFundClaim(claim, request, budget, now.toISOString());
      return {
        changes: {
          ...body,
          status: submitted.status,
          submittedAt: submitted.submittedAt,
        },
      };
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
    async run({ tx, actor, now }, claim, body) {
      if (body.verdict === 'reject') {
        const rejected = rejectFundClaim(claim);
        return { changes: { status: rejected.status, approvedAmount: rejected.approvedAmount } };
      }
      const request = await referenced(tx, 'fundRequest', claim.fundRequest, 'fundRequest');
      const budget = await referenced(tx, 'mdfBudget', request.mdfBudget, 'mdfBudget');
      const others = (await listAll(tx, 'fundClaim', { fundRequest: request.id })).filter(
        (other) => other.id !== claim.id && (other.status === 'approved' || other.status === 'paid'),
      );
      const rate = body.reimbursementRate ?? budget.defaultReimbursementRate;
      if (rate === null)
        throw new ValidationError([
          { field: 'reimbursementRate', message: 'is required: the budget sets no default reimbursement rate' },
        ]);
      const approved = approveFundClaim(
        claim,
        request,
        rate,
        others.reduce((sum, other) => sum + (other.approvedAmount ?? 0), 0),
      );
      // Claims on one request share its approval; writing the request serialises their approvals.
      await bump(tx, now, actor, 'fundRequest', request.id, {}, 'approve-claim');
      return {
        changes: {
          status: approved.status,
          reimbursementRate: approved.reimbursementRate,
          approvedAmount: approved.approvedAmount,
        },
      };
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
    async run({ tx, actor, now }, claim, body) {
      const paid = payFundClaim(
        claim,
        { amount: body.paidAmount, reference: body.paymentReference },
        now.toISOString(),
      );
      const request = await referenced(tx, 'fundRequest', claim.fundRequest, 'fundRequest');
      if (request.mdfAllocation) {
        const allocation = await referenced(tx, 'mdfAllocation', request.mdfAllocation, 'mdfAllocation');
        await writeUpdate(
          tx,
          now,
          actor,
          object('mdfAllocation'),
          allocation,
          allocation.version,
          { paidAmount: (allocation.paidAmount ?? 0) + paid.paidAmount! },
          'pay-claim',
        );
      }
      return {
        changes: {
          status: paid.status,
          paidAmount: paid.paidAmount,
          paidAt: paid.paidAt,
          paymentReference: paid.paymentReference,
        },
      };
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
    body: inputValidators.fundRequest
      .pick({
        mdfAllocation: true,
        activityName: true,
        activityType: true,
        activityStart: true,
        activityEnd: true,
        currency: true,
        requestedAmount: true,
        expectedLeads: true,
        expectedPipeline: true,
        description: true,
      })
      .required({ mdfAllocation: true }),
    async run({ tx, actor, now }, body) {
      // Scoped read: another partner's allocation is one this person cannot see, named as the field.
      const allocation = await getReferencedRecord(
        tx,
        actor,
        object('mdfAllocation'),
        String(body.mdfAllocation),
        'mdfAllocation',
      );
      const request = await createRecord(
        tx,
        now,
        actor,
        object('fundRequest'),
        { ...body, partner: allocation.partner, mdfBudget: allocation.mdfBudget, status: 'draft' },
        { authorizedByProgramRules: true },
      );
      return { record: request };
    },
  }),
  collectionAction({
    object: 'fundClaim',
    name: 'claim',
    method: 'POST',
    creates: true,
    summary: 'Start a fund claim (a draft) for one of your approved fund requests',
    roles: ['partnerAdmin', ...managers],
    body: inputValidators.fundClaim.pick({
      fundRequest: true,
      currency: true,
      claimedAmount: true,
      proofOfPerformanceUrl: true,
      proofDescription: true,
      actualLeads: true,
    }),
    async run({ tx, actor, now }, body) {
      const request = await getReferencedRecord(tx, actor, object('fundRequest'), body.fundRequest, 'fundRequest');
      if (isPartnerUser(actor) && request.partner !== actor.partnerId) {
        throw new ValidationError([{ field: 'fundRequest', message: 'must be one of your own fund requests' }]);
      }
      const claim = await createRecord(
        tx,
        now,
        actor,
        object('fundClaim'),
        { ...body, partner: request.partner, status: 'draft' },
        { authorizedByProgramRules: true },
      );
      return { record: claim };
    },
  }),
];
