/**
 * Fund claims: a partner's draft for an approved request, submitted with proof of performance before
 * the claim deadline, approved at the reimbursement rate (capped by what the request approved) or
 * rejected, and paid (at most the approved amount), keeping the allocation's paid total in step.
 */
import type { z } from 'zod';
import { ValidationError } from '@prm/core/errors';
import { inputValidators } from '@prm/core/generated/validators';
import { approveFundClaim, payFundClaim, rejectFundClaim, submitFundClaim } from '@prm/core/mdf/fundClaims';
import type { ActionContext } from '../http/actions.ts';
import { isPartnerUser } from '../auth/policy.ts';
import { createRecord, getReferencedRecord } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';
import { listAll } from '../store/allRecords.ts';
import { bump, object, referenced, updateAllocationTotals } from './balances.ts';

/** What a partner sends to start a claim. */
export const fundClaimDraft = inputValidators.fundClaim.pick({
  fundRequest: true,
  currency: true,
  claimedAmount: true,
  proofOfPerformanceUrl: true,
  proofDescription: true,
  actualLeads: true,
});

export interface ProofOfPerformance {
  proofOfPerformanceUrl?: string;
  proofDescription?: string;
}

export interface ClaimVerdict {
  verdict: 'approve' | 'reject';
  reimbursementRate?: number;
}

export interface ClaimPayment {
  paymentReference: string;
  paidAmount?: number;
}

export async function startFundClaim({ tx, actor, now }: ActionContext, body: z.infer<typeof fundClaimDraft>) {
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
}

export async function submitFundClaimWithProof(
  { tx, now }: ActionContext,
  record: RecordOf<'fundClaim'>,
  body: ProofOfPerformance,
) {
  const claim = { ...record, ...body };
  const request = await referenced(tx, 'fundRequest', claim.fundRequest, 'fundRequest');
  if (request.partner !== claim.partner)
    throw new ValidationError([{ field: 'fundRequest', message: 'must be a fund request of the claiming partner' }]);
  const budget = await referenced(tx, 'mdfBudget', request.mdfBudget, 'mdfBudget');
  const submitted = submitFundClaim(claim, request, budget, now.toISOString());
  return {
    changes: {
      ...body,
      status: submitted.status,
      submittedAt: submitted.submittedAt,
    },
  };
}

export async function decideOnFundClaim(
  { tx, actor, now }: ActionContext,
  claim: RecordOf<'fundClaim'>,
  body: ClaimVerdict,
) {
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
}

export async function recordFundClaimPayment(
  { tx, actor, now }: ActionContext,
  claim: RecordOf<'fundClaim'>,
  body: ClaimPayment,
) {
  const paid = payFundClaim(claim, { amount: body.paidAmount, reference: body.paymentReference }, now.toISOString());
  const request = await referenced(tx, 'fundRequest', claim.fundRequest, 'fundRequest');
  if (request.mdfAllocation) {
    const allocation = await referenced(tx, 'mdfAllocation', request.mdfAllocation, 'mdfAllocation');
    await updateAllocationTotals(
      { tx, actor, now },
      allocation,
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
}
