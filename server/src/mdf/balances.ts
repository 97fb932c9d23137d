/**
 * What the MDF services share: the records a request or claim refers to, the allocation a request
 * draws on, and rule-set totals written under the version read, so two approvals racing for the same
 * money cannot both commit: the second fails its version check and its transaction rolls back.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { ValidationError } from '@prm/core/errors';
import type { ObjectName } from '@prm/core/schema/validate';
import type { FundRequest, MdfAllocation, MdfBudget } from '@prm/core/generated/types';
import type { Actor } from '../auth/policy.ts';
import type { ActionContext } from '../http/actions.ts';
import { findRecord, writeUpdate, type Tx } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';
import { listAll } from '../store/allRecords.ts';

export const object = <Name extends ObjectName>(name: Name) => objectNamed(prmObjects, name);

/** A record the action's record refers to. Missing means the data is broken, which the caller must hear about. */
export async function referenced<Name extends ObjectName>(
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
export async function allocationOf(tx: Tx, request: FundRequest, budget: MdfBudget): Promise<MdfAllocation | null> {
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
export async function bump<Name extends ObjectName>(
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

/** Writes the allocation's running totals (approved, paid) under the version read, with the audit entry. */
export async function updateAllocationTotals(
  { tx, actor, now }: ActionContext,
  allocation: RecordOf<'mdfAllocation'>,
  totals: Pick<Partial<RecordOf<'mdfAllocation'>>, 'approvedAmount' | 'paidAmount'>,
  action: string,
): Promise<void> {
  await writeUpdate(tx, now, actor, object('mdfAllocation'), allocation, allocation.version, totals, action);
}
