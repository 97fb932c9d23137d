/** How the PRM schema is named in the server's own database (SQLite or PostgreSQL). */
import type { PrmObject } from '../schema/object.ts';
import { snakeCase } from './names.ts';

export function sqlTableName(object: PrmObject): string {
  return snakeCase(object.name);
}

/** Lookups store the target's id: `partner` → `partner_id`. */
export function sqlColumnName(object: PrmObject, fieldName: string): string {
  const field = object.fields[fieldName];
  return field?.kind === 'lookup' ? `${snakeCase(fieldName)}_id` : snakeCase(fieldName);
}
