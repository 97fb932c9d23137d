/**
 * Fund claims: after the activity the partner claims its cost with proof of performance; the vendor
 * reimburses a share of it, never more than the request approved, and pays it.
 * Chain of caps: paid ≤ claim approved ≤ request approved (less other claims on the same request).
 */
import { DateTime } from 'luxon';
import type { FundClaim, FundRequest, MdfBudget } from '../generated/types.ts';
import { TransitionError, ValidationError, type FieldProblem } from '../errors.ts';

export type ClaimRecord = Pick<
  FundClaim,
  | 'fundRequest'
  | 'currency'
  | 'claimedAmount'
  | 'reimbursementRate'
  | 'approvedAmount'
  | 'paidAmount'
  | 'proofOfPerformanceUrl'
  | 'proofDescription'
  | 'status'
  | 'submittedAt'
  | 'paidAt'
  | 'paymentReference'
>;
export type ClaimedRequest = Pick<FundRequest, 'id' | 'status' | 'currency' | 'approvedAmount' | 'activityEnd'>;

/** The last day a claim may be filed: the activity's end plus the budget's claim window. */
export function claimDeadline(
  request: Pick<FundRequest, 'activityEnd'>,
  budget: Pick<MdfBudget, 'claimDeadlineDays'>,
): string {
  return DateTime.fromISO(request.activityEnd, { zone: 'utc' })
    .plus({ days: budget.claimDeadlineDays ?? 60 })
    .toISODate()!;
}

export function submitFundClaim<C extends ClaimRecord>(
  claim: C,
  request: ClaimedRequest,
  budget: Pick<MdfBudget, 'claimDeadlineDays'>,
  now: string,
): C {
  if (claim.status !== 'draft')
    throw new TransitionError(claim.status, 'submitted', 'only a draft claim can be submitted.');
  const problems: FieldProblem[] = [];
  if (request.status !== 'approved')
    problems.push({ field: 'fundRequest', message: 'Only an approved fund request can be claimed.' });
  if (claim.currency !== request.currency)
    problems.push({ field: 'currency', message: `The request was approved in ${request.currency}.` });
  if (!Number.isInteger(claim.claimedAmount) || claim.claimedAmount <= 0) {
    problems.push({ field: 'claimedAmount', message: 'Claim the positive cost of the activity in minor units.' });
  }
  if (!claim.proofOfPerformanceUrl) {
    problems.push({
      field: 'proofOfPerformanceUrl',
      message: 'Attach proof of performance: an invoice, attendee list or screenshots.',
    });
  }
  const today = now.slice(0, 10);
  if (today < request.activityEnd)
    problems.push({
      field: 'fundRequest',
      message: `The activity runs until ${request.activityEnd}; claim after it ends.`,
    });
  const deadline = claimDeadline(request, budget);
  if (today > deadline)
    problems.push({ field: 'submittedAt', message: `Claims for this activity closed on ${deadline}.` });
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...claim, status: 'submitted', submittedAt: now };
}

/**
 * Approves a claim at the reimbursement rate (percent). `otherClaimsApproved` is what other claims on the
 * same request were already approved for, so several claims can never add up past the request.
 */
export function approveFundClaim<C extends ClaimRecord>(
  claim: C,
  request: ClaimedRequest,
  reimbursementRate: number,
  otherClaimsApproved: number,
): C {
  if (claim.status !== 'submitted')
    throw new TransitionError(claim.status, 'approved', 'only a submitted claim can be approved.');
  if (!(reimbursementRate > 0 && reimbursementRate <= 100)) {
    throw new ValidationError([
      { field: 'reimbursementRate', message: 'The reimbursement rate is a percentage above 0 and at most 100.' },
    ]);
  }
  const reimbursable = Math.floor((claim.claimedAmount * reimbursementRate) / 100);
  const stillApproved = Math.max(0, (request.approvedAmount ?? 0) - otherClaimsApproved);
  return { ...claim, status: 'approved', reimbursementRate, approvedAmount: Math.min(reimbursable, stillApproved) };
}

export function rejectFundClaim<C extends ClaimRecord>(claim: C): C {
  if (claim.status !== 'submitted')
    throw new TransitionError(claim.status, 'rejected', 'only a submitted claim can be rejected.');
  return { ...claim, status: 'rejected', approvedAmount: 0 };
}

export function payFundClaim<C extends ClaimRecord>(
  claim: C,
  payment: { amount?: number; reference: string },
  now: string,
): C {
  if (claim.status !== 'approved')
    throw new TransitionError(claim.status, 'paid', 'only an approved claim can be paid.');
  const amount = payment.amount ?? claim.approvedAmount ?? 0;
  const problems: FieldProblem[] = [];
  if (!Number.isInteger(amount) || amount < 0 || amount > (claim.approvedAmount ?? 0)) {
    problems.push({
      field: 'paidAmount',
      message: `Pay at most the approved ${claim.approvedAmount ?? 0} (minor units).`,
    });
  }
  if (!payment.reference.trim()) problems.push({ field: 'paymentReference', message: 'Record the payment reference.' });
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...claim, status: 'paid', paidAmount: amount, paidAt: now, paymentReference: payment.reference };
}
