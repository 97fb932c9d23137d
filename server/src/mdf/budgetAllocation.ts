/** Splitting an MDF budget among the program's active partners by their tier's MDF share (the core's allocateBudget). */
import { allocateBudget } from '@prm/core/mdf/allocation';
import type { ActionContext } from '../http/actions.ts';
import { createRecord, IntegrityError } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';
import { listAll } from '../store/allRecords.ts';
import { object } from './balances.ts';

export async function allocateBudgetToPartners({ tx, actor, now }: ActionContext, budget: RecordOf<'mdfBudget'>) {
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
}
