/**
 * Authorization, in one place: what a signed-in person may do with an object, which of its records
 * they may see, and which fields they may read or write. Everything comes from the schema's access
 * declarations and the role definitions; no endpoint decides this for itself.
 */
import type { PrmObject } from '../../../shared/src/schema/object.ts';
import { fieldAccess, objectAccess } from '../../../shared/src/schema/access.ts';
import { roleDefinitions, type Role } from '../../../shared/src/schema/roles.ts';
import { sqlColumnName } from '../../../shared/src/hosts/sql.ts';
import type { FieldProblem } from '../../../shared/src/errors.ts';
import type { PrmRecord } from '../store/records.ts';

export interface Actor {
  userId: string;
  name: string;
  email: string;
  role: Role;
  /** The partner a partner user belongs to; null for the vendor's own people. */
  partnerId: string | null;
}

export type Operation = 'read' | 'create' | 'edit' | 'delete';

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
 * belong to their own partner. Objects without a partner field are program data (tiers, courses).
 */
export function rowScope(actor: Actor, object: PrmObject): { column: string; value: string } | 'all' {
  if (!roleDefinitions[actor.role].isPartnerUser || !object.partnerField) return 'all';
  const value = actor.partnerId ?? '\u0000no-partner';
  if (object.partnerField === 'id') return { column: 'id', value };
  return { column: sqlColumnName(object, object.partnerField), value };
}

export function recordInScope(actor: Actor, object: PrmObject, record: PrmRecord): boolean {
  const scope = rowScope(actor, object);
  if (scope === 'all') return true;
  const owner = object.partnerField === 'id' ? record.id : record[object.partnerField!];
  return owner === scope.value;
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
    if (roleDefinitions[actor.role].isPartnerUser && name === object.partnerField) continue; // see below

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
  if (!roleDefinitions[actor.role].isPartnerUser || !field || field === 'id' || !(field in values)) return [];
  return values[field] === actor.partnerId ? [] : [{ field, message: 'must be your own partner' }];
}
