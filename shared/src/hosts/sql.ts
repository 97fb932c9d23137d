/** How the PRM schema is named in the server's own database (SQLite or PostgreSQL). */
import type { PrmObject } from '../schema/object.ts';
import { snakeCase } from './names.ts';

// Names are asked for on every query; they depend only on the declaration, so they are computed once.
const tableNames = new WeakMap<PrmObject, string>();
const columnNames = new WeakMap<PrmObject, Map<string, string>>();

export function sqlTableName(object: PrmObject): string {
  let name = tableNames.get(object);
  if (name === undefined) tableNames.set(object, (name = snakeCase(object.name)));
  return name;
}

/** Lookups store the target's id: `partner` → `partner_id`. */
export function sqlColumnName(object: PrmObject, fieldName: string): string {
  let names = columnNames.get(object);
  if (!names) columnNames.set(object, (names = new Map()));
  let name = names.get(fieldName);
  if (name === undefined) {
    const field = object.fields[fieldName];
    name = field?.kind === 'lookup' ? `${snakeCase(fieldName)}_id` : snakeCase(fieldName);
    names.set(fieldName, name);
  }
  return name;
}
