/**
 * Authorization, in one place: what a signed-in person may do with an object, which of its records
 * they may see, and which fields they may read or write. Everything comes from the schema's access
 * declarations and the role definitions; no endpoint decides this for itself.
 */
import type { PrmObject } from '@prm/core/schema/object';
import { fieldAccess, objectAccess } from '@prm/core/schema/access';
import { roleDefinitions, type Role } from '@prm/core/schema/roles';
import { sqlColumnName } from '@prm/core/hosts/sql';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import type { FieldProblem } from '@prm/core/errors';
import { fieldValue, type PrmRecord, type StoredRecord } from '../store/records.ts';

export interface Actor {
  userId: string;
  name: string;
  email: string;
  role: Role;
  /** The partner a partner user belongs to; null for the vendor's own people. */
  partnerId: string | null;
  /** Set when no person acts but the program itself, saying why (see systemActor). */
  system?: SystemReason;
}

/**
 * Why the program acts on its own account rather than as a person: a form sent without signing in,
 * a timer, or a rule that writes what no person may (an offer to another partner, a certification).
 */
export type SystemReason =
  | 'public-form'
  | 'lead-routing'
  | 'offer-timeout'
  | 'program-records'
  | 'certification-grant'
  | 'certification-reminder'
  | 'tier-evaluation'
  | 'protection-expiry'
  | 'protection-reminder';

/**
 * The program acting for `reason`, with the program administration's rights. Its audit entries have
 * the role `system` and the id `system:<reason>`, so the log tells which rule wrote a change.
 */
export function systemActor(reason: SystemReason): Actor {
  return {
    userId: `system:${reason}`,
    name: `PRM (${reason})`,
    email: 'system@prm.invalid',
    role: 'channelAdmin',
    partnerId: null,
    system: reason,
  };
}

export type Operation = 'read' | 'create' | 'edit' | 'delete';

/** A partner's own people (partner admins and reps), as opposed to the vendor's; by actor or by role. */
export function isPartnerUser(who: Pick<Actor, 'role'> | Role): boolean {
  return roleDefinitions[typeof who === 'string' ? who : who.role].isPartnerUser;
}

/** Refused for lack of permission (403), with the field when one field is the reason. */
export class ForbiddenError extends Error {
  readonly problems: FieldProblem[];
  constructor(message: string, problems: FieldProblem[] = []) {
    super(message);
    this.name = 'ForbiddenError';
    this.problems = problems;
  }
}

export function mayOperate(actor: Actor, object: PrmObject, operation: Operation): boolean {
  const access = objectAccess(object, actor.role);
  switch (operation) {
    case 'read':
      return access !== 'none';
    case 'create':
    case 'edit':
      return access === 'edit';
    case 'delete':
      return access === 'edit' && roleDefinitions[actor.role].mayDelete;
  }
}

export function requireOperation(actor: Actor, object: PrmObject, operation: Operation): void {
  if (!mayOperate(actor, object, operation)) {
    throw new ForbiddenError(
      `A ${roleDefinitions[actor.role].label} may not ${operation} ${object.pluralLabel.toLowerCase()}.`,
    );
  }
}

/**
 * Settings that are not PRM records (the audit log, webhook subscriptions, intake senders) are the
 * channel admin's alone; anyone else is refused naming their role and `what` they tried.
 */
export function requireChannelAdmin(actor: Actor, what: string): Actor {
  if (actor.role !== 'channelAdmin')
    throw new ForbiddenError(`A ${roleDefinitions[actor.role].label} may not ${what}.`);
  return actor;
}

/**
 * Which rows a person may see: everything for the vendor's people; for a partner user, only rows that
 * belong to their own partner (with an empty partner too where it means "offered to every partner"),
 * or, for an object owned through a parent, rows whose parent they may see. Objects with neither are
 * program data (tiers, courses).
 */
export type RowScope =
  | 'all'
  | { partnerColumn: string; partner: string; orEmpty: boolean }
  | { parentColumn: string; parent: PrmObject; parentScope: Exclude<RowScope, 'all'> };

export function rowScope(actor: Actor, object: PrmObject): RowScope {
  if (!isPartnerUser(actor)) return 'all';
  if (object.ownedThrough) {
    const parent = parentObject(object, object.ownedThrough);
    const parentScope = rowScope(actor, parent);
    if (parentScope === 'all') return 'all';
    return { parentColumn: sqlColumnName(object, object.ownedThrough), parent, parentScope };
  }
  if (!object.partnerField) return 'all';
  const partner = actor.partnerId ?? '\u0000no-partner';
  if (object.partnerField === 'id') return { partnerColumn: 'id', partner, orEmpty: false };
  return {
    partnerColumn: sqlColumnName(object, object.partnerField),
    partner,
    orEmpty: object.emptyPartnerMeansEveryPartner === true,
  };
}

/** The object a lookup of this object points at. */
export function parentObject(object: PrmObject, lookup: string): PrmObject {
  const field = object.fields[lookup];
  if (field?.kind !== 'lookup') throw new Error(`${object.name}.${lookup} is not a lookup`);
  return objectNamed(prmObjects, field.target);
}

/** The partner a record names as its own (not through a parent); null when it names none. */
export function ownPartnerOf(object: PrmObject, record: StoredRecord): string | null {
  if (!object.partnerField) return null;
  const owner = object.partnerField === 'id' ? record.id : fieldValue(record, object.partnerField);
  return typeof owner === 'string' && owner !== '' ? owner : null;
}

/** Reads a record by id, for the scope of objects owned through a parent (the policy reads no store itself). */
export type ReadRecord = (object: PrmObject, id: string) => Promise<StoredRecord | undefined>;

export async function recordInScope(
  actor: Actor,
  object: PrmObject,
  record: StoredRecord,
  read: ReadRecord,
): Promise<boolean> {
  const scope = rowScope(actor, object);
  if (scope === 'all') return true;
  if ('parent' in scope) {
    const parent = await read(scope.parent, String(fieldValue(record, object.ownedThrough!)));
    return parent !== undefined && recordInScope(actor, scope.parent, parent, read);
  }
  const owner = ownPartnerOf(object, record);
  return owner === scope.partner || (scope.orEmpty && owner === null);
}

/** The record as this person may see it: fields they may not read are left out. */
export function redact(actor: Actor, object: PrmObject, record: PrmRecord): Record<string, unknown> {
  const visible: Record<string, unknown> = {
    id: record.id,
    name: record.name,
    crmId: record.crmId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
  };
  for (const [name, field] of Object.entries(object.fields)) {
    if (fieldAccess(object, field, actor.role) !== 'none') visible[name] = record[name];
  }
  return visible;
}

export function readableFields(actor: Actor, object: PrmObject): string[] {
  return Object.entries(object.fields)
    .filter(([, field]) => fieldAccess(object, field, actor.role) !== 'none')
    .map(([name]) => name);
}

/**
 * Checks that every field sent may be written by this person. A partner user's own partner is set
 * by the server on their records, so sending it is allowed only when it is their own.
 */
export function checkWritableFields(actor: Actor, object: PrmObject, values: Record<string, unknown>): void {
  const problems: FieldProblem[] = [];
  for (const name of Object.keys(values)) {
    if (name === 'name') continue;
    const field = object.fields[name];
    if (!field) continue; // unknown fields are the validator's to report
    if (isPartnerUser(actor) && name === object.partnerField) continue; // see below

    if (fieldAccess(object, field, actor.role) !== 'edit') {
      problems.push({ field: name, message: `may not be changed by a ${roleDefinitions[actor.role].label}` });
    }
  }
  problems.push(...notOwnPartner(actor, object, values));
  if (problems.length) throw new ForbiddenError('Some fields may not be changed by you.', problems);
}

/**
 * A partner user's records belong to their own partner: one they name must be it (403 otherwise,
 * never quietly replaced), and one they leave out is filled in. The same for the CRUD routes and for
 * every action that creates records on a partner user's behalf.
 */
export function requireOwnPartner(actor: Actor, object: PrmObject, values: Record<string, unknown>): void {
  const problems = notOwnPartner(actor, object, values);
  if (problems.length) throw new ForbiddenError('Some fields may not be changed by you.', problems);
}

function notOwnPartner(actor: Actor, object: PrmObject, values: Record<string, unknown>): FieldProblem[] {
  const field = object.partnerField;
  if (!isPartnerUser(actor) || !field || field === 'id' || !(field in values)) return [];
  return values[field] === actor.partnerId ? [] : [{ field, message: 'must be your own partner' }];
}
