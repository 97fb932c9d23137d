/**
 * Fund requests: a partner's draft against their allocation, submitted for a decision, approved in
 * whole or part against the remaining balance (the core's caps, mdf/fundRequests.ts) or rejected; an
 * approval keeps the allocation's running total in step, under its version.
 */
import type { z } from 'zod';
import { ValidationError } from '@prm/core/errors';
import { inputValidators } from '@prm/core/generated/validators';
import { remainingBalance } from '@prm/core/mdf/allocation';
import { decideFundRequest, submitFundRequest } from '@prm/core/mdf/fundRequests';
import type { ActionContext } from '../http/actions.ts';
import { createRecord, getReferencedRecord, writeUpdate } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';
import { listAll } from '../store/allRecords.ts';
import { allocationOf, object, referenced, updateAllocationTotals } from './balances.ts';

/** What a partner sends to start a request: partners cannot see budgets, so it names their allocation. */
export const fundRequestDraft = inputValidators.fundRequest
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
  .required({ mdfAllocation: true });

export interface RequestVerdict {
  verdict: 'approve' | 'reject';
  approvedAmount?: number;
  decisionReason?: string;
}

export async function startFundRequest({ tx, actor, now }: ActionContext, body: z.infer<typeof fundRequestDraft>) {
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
}

export async function submitFundRequestForDecision({ tx, now }: ActionContext, request: RecordOf<'fundRequest'>) {
  const budget = await referenced(tx, 'mdfBudget', request.mdfBudget, 'mdfBudget');
  const submitted = submitFundRequest(request, budget, now.toISOString());
  const allocation = await allocationOf(tx, request, budget);
  if (budget.allocationMethod !== 'pooled' && allocation === null)
    throw new ValidationError([
      { field: 'mdfAllocation', message: 'The partner has no allocation in this budget to request from.' },
    ]);
  return { changes: { status: submitted.status, mdfAllocation: allocation?.id ?? null } };
}

export async function decideOnFundRequest(
  { tx, actor, now }: ActionContext,
  request: RecordOf<'fundRequest'>,
  body: RequestVerdict,
) {
  const budget = await referenced(tx, 'mdfBudget', request.mdfBudget, 'mdfBudget');
  const allocation = await allocationOf(tx, request, budget);
  const drawing = await listAll(
    tx,
    'fundRequest',
    allocation ? { mdfAllocation: allocation.id, status: 'approved' } : { mdfBudget: budget.id, status: 'approved' },
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
      await updateAllocationTotals(
        { tx, actor, now },
        allocation,
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
}
