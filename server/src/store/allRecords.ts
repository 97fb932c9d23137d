/**
 * Every record of an object, across partners, for work that aggregates them (metrics, the tier
 * evaluation, reminders): the caller has already decided the person may see the aggregate.
 */
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { ObjectName } from '@prm/core/schema/validate';
import { systemActor } from '../auth/policy.ts';
import { listRecords, type Tx } from './repository.ts';
import type { RecordOf } from './records.ts';

/**
 * Every record matching `where`, page by page (the repository caps a page at 200), across partners:
 * for an aggregate the person was already authorised to see (budgets, every partner's deals).
 */
export async function listAll<Name extends ObjectName>(
  tx: Tx,
  objectName: Name,
  where: Record<string, unknown> = {},
): Promise<RecordOf<Name>[]> {
  const all: RecordOf<Name>[] = [];
  let after: string | undefined;
  do {
    const page = await listRecords(tx, systemActor('program-records'), objectNamed(prmObjects, objectName), {
      where,
      after,
      limit: 200,
    });
    all.push(...page.records);
    after = page.next ?? undefined;
  } while (after);
  return all;
}
