/**
 * Checks a business concept makes on a record before it is written, beyond what its fields declare
 * (a routing rule must still make a valid chain with its program's tiers and other rules). Kept in
 * one map so every door that writes through the repository (the API, CSV import, the demo) checks
 * alike; this is the one place the store hears of a concept by name.
 */
import { ValidationError, type FieldProblem } from '@prm/core/errors';
import type { PrmObject } from '@prm/core/schema/object';
import { routingRuleProblems } from '../routing/ruleChecks.ts';
import type { StoredRecord } from './records.ts';
import type { Tx } from './groupCommit.ts';

const checks: Record<string, (tx: Tx, record: StoredRecord) => Promise<FieldProblem[]>> = {
  routingRule: routingRuleProblems,
};

/** Refuses the record (422 naming its fields) when its concept's check finds problems. */
export async function checkBeforeWrite(tx: Tx, object: PrmObject, record: StoredRecord): Promise<void> {
  const check = checks[object.name];
  if (!check) return;
  const problems = await check(tx, record);
  if (problems.length) throw new ValidationError(problems);
}
