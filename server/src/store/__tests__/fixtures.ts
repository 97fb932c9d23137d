/** Valid input for any PRM object, built from its schema, for tests that exercise every object alike. */
import type { Field } from '@prm/core/schema/fields';
import type { PrmObject } from '@prm/core/schema/object';

/** A value that satisfies the field's declaration; `n` varies it between records. */
export function validValue(field: Field, n: number, lookupId: (target: string) => string): unknown {
  switch (field.kind) {
    case 'text':
      return `value ${n}`.slice(0, field.length);
    case 'longText':
      return `A longer note number ${n}.`;
    case 'email':
      return `person${n}@example.com`;
    case 'url':
      return `https://example${n}.com/`;
    case 'phone':
      return '+49 30 1234567';
    case 'currency':
      return 'USD';
    case 'integer':
      return Math.max(field.min ?? 1, Math.min(field.max ?? 10, 3));
    case 'money':
      return 125_000 + n;
    case 'decimal':
      return Math.max(field.min ?? 0, Math.min(field.max ?? 1, 0.5));
    case 'percent':
      return 12.5;
    case 'date':
      return '2027-03-31';
    case 'dateTime':
      return '2027-03-31T09:30:00.000Z';
    case 'checkbox':
      return true;
    case 'picklist':
      return field.values[0].value;
    case 'multiPicklist':
      return [field.values[0].value];
    case 'lookup':
      return lookupId(field.target);
  }
}

/**
 * Values the schema alone does not make valid, because a rule checks the record as a whole before it
 * is saved (a routing rule must route: `country equals` takes a country code).
 */
const wholeRecordValues: Record<string, Record<string, unknown>> = { routingRule: { value: 'DE' } };

/** Every required field plus a name where one is typed; unique fields get a value unique to `n`. */
export function validInput(
  object: PrmObject,
  n: number,
  lookupId: (target: string) => string,
  all = false,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (object.nameField && 'length' in object.nameField) input.name = `${object.label} ${n}`;
  for (const [name, field] of Object.entries(object.fields)) {
    if (!field.required && !all && !field.unique) continue;
    input[name] =
      field.unique || field.externalId
        ? `${name}-${n}-${Math.random().toString(36).slice(2, 8)}`
        : (wholeRecordValues[object.name]?.[name] ?? validValue(field, n, lookupId));
  }
  return input;
}
