/** Effective access of a role to an object and to each of its fields, from the schema's declarations. */
import type { Field } from './fields.ts';
import type { PrmObject } from './object.ts';
import { narrower, type Access, type Role } from './roles.ts';

export function objectAccess(object: PrmObject, role: Role): Access {
  return object.access[role] ?? 'none';
}

export function fieldAccess(object: PrmObject, field: Field, role: Role): Access {
  const declared = field.access?.[role] ?? objectAccess(object, role);
  return narrower(declared, objectAccess(object, role));
}
