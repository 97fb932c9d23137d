/**
 * The partner of a record whose parents belong to partners (object.parents: a plan goal's plan, a
 * claim's fund request): it must be theirs, whoever writes it and through whichever door.
 */
import type { PrmObject } from '@prm/core/schema/object';
import { ValidationError, type FieldProblem } from '@prm/core/errors';
import { ownPartnerOf, parentObject } from '../auth/policy.ts';
import { fieldValue, type StoredRecord } from './records.ts';
import { findRecord, type Tx } from './repository.ts';

/** The partner a record belongs to, following its parent where it is owned through one; null for none. */
async function partnerOwning(tx: Tx, object: PrmObject, record: StoredRecord): Promise<string | null> {
  if (!object.ownedThrough) return ownPartnerOf(object, record);
  const parentId = fieldValue(record, object.ownedThrough);
  const parentType = parentObject(object, object.ownedThrough);
  const parent = typeof parentId === 'string' ? await findRecord(tx, parentType, parentId) : undefined;
  return parent ? partnerOwning(tx, parentType, parent) : null;
}

/** The partners of the record's declared parents (object.parents) that it names, with the lookup naming each. */
async function parentPartners(
  tx: Tx,
  object: PrmObject,
  values: Record<string, unknown>,
  known: readonly StoredRecord[],
): Promise<{ lookup: string; parent: PrmObject; partner: string }[]> {
  const owners = [];
  for (const lookup of object.parents ?? []) {
    const id = values[lookup];
    if (typeof id !== 'string') continue;
    const parent = parentObject(object, lookup);
    const record = known.find((candidate) => candidate.id === id) ?? (await findRecord(tx, parent, id));
    const partner = record ? await partnerOwning(tx, parent, record) : null;
    if (partner !== null) owners.push({ lookup, parent, partner });
  }
  return owners;
}

/**
 * A child's partner is its parents' (a plan goal's is its plan's), whoever writes it: a create that
 * leaves the partner out takes the first parent's, and one that names another is refused, so no
 * partner is ever shown another partner's goal on its own plan.
 */
export async function checkParentPartners(
  tx: Tx,
  object: PrmObject,
  values: Record<string, unknown>,
  known: readonly StoredRecord[] = [],
): Promise<void> {
  const field = object.partnerField;
  if (!field || !object.parents) return;
  const problems: FieldProblem[] = [];
  for (const { lookup, parent, partner } of await parentPartners(tx, object, values, known)) {
    if (values[field] !== partner)
      problems.push({ field, message: `must be the partner of the ${parent.label.toLowerCase()} in ${lookup}` });
  }
  if (problems.length) throw new ValidationError(problems);
}

/** Fills in a create's missing partner from its first parent that has one. */
export async function partnerFromParents(
  tx: Tx,
  object: PrmObject,
  values: Record<string, unknown>,
  known: readonly StoredRecord[] = [],
): Promise<void> {
  const field = object.partnerField;
  if (!field || !object.parents || (values[field] !== undefined && values[field] !== null)) return;
  const [first] = await parentPartners(tx, object, values, known);
  if (first) values[field] = first.partner;
}
