/**
 * What a list request may ask for: `limit`, `after`, `sort=<field>` or `-<field>`, and `<field>=<value>`
 * filters. The same functions say which fields filter and sort, for the list route and for the OpenAPI
 * document, so the document declares exactly what the list accepts.
 */
import type { Field } from '@prm/core/schema/fields';
import type { PrmObject } from '@prm/core/schema/object';
import { ValidationError } from '@prm/core/errors';
import { validateInput, type ObjectName } from '@prm/core/schema/validate';
import { fieldAccess } from '@prm/core/schema/access';
import { roles, type Role } from '@prm/core/schema/roles';
import { readableFields, type Actor } from '../auth/policy.ts';
import type { ListOptions } from '../store/repository.ts';

/** Every field filters by equality (for the roles that may read it). */
export const filterFields = (object: PrmObject): string[] => Object.keys(object.fields);

/** Long texts and multi-picklists (a list in one column) have no useful order. */
const unsortedKinds = new Set<Field['kind']>(['longText', 'multiPicklist']);
/** Fields every record has and every role reads (auth/policy.ts redact). */
const recordSortFields = ['name', 'createdAt', 'updatedAt'];

export const sortFields = (object: PrmObject): string[] => [
  ...recordSortFields,
  ...Object.entries(object.fields)
    .filter(([, field]) => !unsortedKinds.has(field.kind))
    .map(([name]) => name),
];

/** The roles that may read a field, and so filter or sort on it. */
export const rolesReading = (object: PrmObject, name: string): Role[] =>
  name in object.fields
    ? roles.filter((role) => fieldAccess(object, object.fields[name], role) !== 'none')
    : [...roles];

/** The query string's text as the field's value, checked as that field's input would be. */
function filterValue(object: PrmObject, name: string, value: string): unknown {
  const field = object.fields[name];
  const typed =
    field.kind === 'checkbox'
      ? value === 'true' || (value === 'false' ? false : value)
      : field.kind === 'multiPicklist'
        ? value.split(',')
        : ['integer', 'money', 'decimal', 'percent'].includes(field.kind) &&
            value.trim() !== '' &&
            !Number.isNaN(Number(value))
          ? Number(value)
          : value;
  return (validateInput(object.name as ObjectName, { [name]: typed }, 'update') as Record<string, unknown>)[name];
}

export function listQuery(object: PrmObject, actor: Actor, query: Record<string, unknown>): ListOptions {
  const readable = new Set(readableFields(actor, object));
  const where: Record<string, unknown> = {};
  let limit: number | undefined;
  let sort: ListOptions['sort'];
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new ValidationError([{ field: key, message: 'must be given once' }]);
    if (key === 'limit') {
      limit = Number(value);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw new ValidationError([{ field: 'limit', message: 'must be a whole number from 1 to 200' }]);
    } else if (key === 'after') continue;
    else if (key === 'sort') {
      const field = value.startsWith('-') ? value.slice(1) : value;
      const sortable = sortFields(object).filter((name) => !(name in object.fields) || readable.has(name));
      if (!sortable.includes(field))
        throw new ValidationError([
          { field: 'sort', message: `must be one of ${sortable.join(', ')}, or one of them after - (descending)` },
        ]);
      sort = { field, descending: value.startsWith('-') };
    } else if (readable.has(key) && filterFields(object).includes(key)) {
      where[key] = filterValue(object, key, value);
    } else throw new ValidationError([{ field: key, message: 'is not a field you can filter on' }]);
  }
  return { limit, after: query.after as string | undefined, where, sort, withTotal: true };
}
