/** Fund requests: a partner asks for MDF for an activity; a manager approves it against the remaining balance. */
import type { FundRequest, MdfBudget } from '../generated/types.ts';
import { TransitionError, ValidationError, type FieldProblem } from '../errors.ts';
import type { Money } from '../money.ts';

export type FundRequestDraft = Pick<
  FundRequest,
  | 'activityName'
  | 'activityType'
  | 'activityStart'
  | 'activityEnd'
  | 'currency'
  | 'requestedAmount'
  | 'expectedLeads'
  | 'expectedPipeline'
  | 'status'
>;

/** Checks the request is complete and in time; returns it submitted. */
export function submitFundRequest<R extends FundRequestDraft>(
  request: R,
  budget: Pick<MdfBudget, 'currency' | 'status' | 'periodStart' | 'periodEnd' | 'requestDeadline'>,
  now: string,
): R {
  if (request.status !== 'draft')
    throw new TransitionError(request.status, 'submitted', 'only a draft request can be submitted.');
  const problems: FieldProblem[] = [];
  if (!request.activityName.trim()) problems.push({ field: 'activityName', message: 'Name the activity.' });
  if (!Number.isInteger(request.requestedAmount) || request.requestedAmount <= 0) {
    problems.push({ field: 'requestedAmount', message: 'Request a positive amount in minor units.' });
  }
  if (request.currency !== budget.currency) {
    problems.push({ field: 'currency', message: `The budget is in ${budget.currency}; request in the same currency.` });
  }
  if (request.activityEnd < request.activityStart)
    problems.push({ field: 'activityEnd', message: 'The activity must end on or after its start.' });
  if (request.activityStart < budget.periodStart || request.activityStart > budget.periodEnd) {
    problems.push({
      field: 'activityStart',
      message: `The activity must start within the budget period ${budget.periodStart} to ${budget.periodEnd}.`,
    });
  }
  if (request.expectedLeads === null && request.expectedPipeline === null) {
    problems.push({ field: 'expectedLeads', message: 'State the expected outcome: leads or pipeline.' });
  }
  if (budget.status !== 'open') problems.push({ field: 'mdfBudget', message: 'The budget is not open for requests.' });
  if (budget.requestDeadline !== null && now.slice(0, 10) > budget.requestDeadline) {
    problems.push({ field: 'mdfBudget', message: `Requests for this budget closed on ${budget.requestDeadline}.` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...request, status: 'submitted' };
}

export type RequestDecision =
  | { verdict: 'approve'; amount?: number; decidedBy: string; reason?: string }
  | { verdict: 'reject'; decidedBy: string; reason: string };

/**
 * Approves (all or part of the requested amount) or rejects. Approval never exceeds the remaining
 * balance: a partial approval is the manager's explicit choice, never a silent cut.
 */
export function decideFundRequest<
  R extends Pick<
    FundRequest,
    'status' | 'requestedAmount' | 'currency' | 'approvedAmount' | 'decidedAt' | 'decidedBy' | 'decisionReason'
  >,
>(request: R, decision: RequestDecision, remaining: Money, now: string): R {
  const to = decision.verdict === 'approve' ? 'approved' : 'rejected';
  if (request.status !== 'submitted')
    throw new TransitionError(request.status, to, 'only a submitted request can be decided.');
  const decided = {
    ...request,
    decidedAt: now,
    decidedBy: decision.decidedBy,
    decisionReason: decision.reason ?? null,
  };
  if (decision.verdict === 'reject') {
    if (!decision.reason.trim())
      throw new ValidationError([
        { field: 'decisionReason', message: 'Tell the partner why the request is rejected.' },
      ]);
    return { ...decided, status: 'rejected', approvedAmount: 0 };
  }
  const amount = decision.amount ?? request.requestedAmount;
  const problems: FieldProblem[] = [];
  if (remaining.currency !== request.currency)
    problems.push({ field: 'currency', message: `The balance is in ${remaining.currency}.` });
  if (!Number.isInteger(amount) || amount <= 0)
    problems.push({ field: 'approvedAmount', message: 'Approve a positive amount in minor units.' });
  if (amount > request.requestedAmount)
    problems.push({ field: 'approvedAmount', message: 'Cannot approve more than was requested.' });
  if (amount > remaining.amount) {
    problems.push({
      field: 'approvedAmount',
      message: `Only ${Math.max(0, remaining.amount)} ${remaining.currency} (minor units) remain in the allocation.`,
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...decided, status: 'approved', approvedAmount: amount };
}
