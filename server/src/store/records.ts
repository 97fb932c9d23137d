/**
 * Converting between PRM records as the core and the API see them (camelCase, money as integer minor
 * units, booleans, arrays) and rows as each store keeps them (snake_case, SQLite's 0/1 and JSON text).
 * Every conversion is driven by the schema, so no object needs code of its own.
 */
import type { Field } from '../../../shared/src/schema/fields.ts';
import type { PrmObject } from '../../../shared/src/schema/object.ts';
import { sqlColumnName } from '../../../shared/src/hosts/sql.ts';
import type { Dialect } from './migrate.ts';

export type PrmRecord = Record<string, unknown> & { id: string; version: number };
export type Row = Record<string, unknown>;

export const systemColumns: Record<string, string> = {
  id: 'id',
  crmId: 'crm_id',
  name: 'name',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  version: 'version',
};

export function columnFor(object: PrmObject, fieldName: string): string {
  return systemColumns[fieldName] ?? sqlColumnName(object, fieldName);
}

/** How a field's value is converted between record and row; one code per handling the stores need. */
const asIs = 0;
const flag = 1;
const list = 2;
const instant = 3;
const number = 4;
type Conversion = typeof asIs | typeof flag | typeof list | typeof instant | typeof number;

function conversionOf(field: Field): Conversion {
  switch (field.kind) {
    case 'checkbox':
      return flag;
    case 'multiPicklist':
      return list;
    case 'dateTime':
      return instant;
    case 'integer':
    case 'money':
    case 'decimal':
    case 'percent':
      return number;
    default:
      return asIs;
  }
}

/**
 * An object's fields with their columns and conversions, worked out once: a record is converted on
 * every read and write (three times for a registration), and looking each field's column and kind up
 * again each time was a measurable share of the hottest request.
 */
interface Plan {
  names: string[];
  columns: string[];
  conversions: Conversion[];
  /** Field or system name → column, for the fields a partial record carries. */
  columnOf: Map<string, { column: string; conversion: Conversion | null }>;
}

const plans = new WeakMap<PrmObject, Plan>();

function planOf(object: PrmObject): Plan {
  let plan = plans.get(object);
  if (plan) return plan;
  const names = Object.keys(object.fields);
  plan = {
    names,
    columns: names.map((name) => sqlColumnName(object, name)),
    conversions: names.map((name) => conversionOf(object.fields[name])),
    columnOf: new Map(),
  };
  names.forEach((name, i) => plan!.columnOf.set(name, { column: plan!.columns[i], conversion: plan!.conversions[i] }));
  for (const [name, column] of Object.entries(systemColumns))
    if (!plan.columnOf.has(name)) plan.columnOf.set(name, { column, conversion: null });
  plans.set(object, plan);
  return plan;
}

function toColumnValue(conversion: Conversion, value: unknown, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  switch (conversion) {
    case flag:
      return dialect === 'sqlite' ? (value ? 1 : 0) : Boolean(value);
    case list:
      return JSON.stringify(value);
    case instant:
      // Stored in UTC, so both stores give back the same instant in the same form (an offset is not kept).
      return typeof value === 'string' ? new Date(value).toISOString() : value;
    default:
      return value;
  }
}

function fromColumnValue(conversion: Conversion, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (conversion) {
    case flag:
      return value === true || value === 1;
    case list:
      return typeof value === 'string' ? JSON.parse(value) : value;
    case number:
      return Number(value);
    default:
      return value;
  }
}

/** The columns to write for the given record fields (only those present). */
export function toRow(object: PrmObject, values: Record<string, unknown>, dialect: Dialect): Row {
  const { columnOf } = planOf(object);
  const row: Row = {};
  for (const name in values) {
    const value = values[name];
    if (value === undefined) continue;
    const target = columnOf.get(name);
    if (!target) continue;
    row[target.column] = target.conversion === null ? value : toColumnValue(target.conversion, value, dialect);
  }
  return row;
}

export function fromRow(object: PrmObject, row: Row): PrmRecord {
  const { names, columns, conversions } = planOf(object);
  const record: Record<string, unknown> = {};
  for (const name in systemColumns) record[name] = row[systemColumns[name]] ?? null;
  record.version = Number(row.version);
  for (let i = 0; i < names.length; i++) record[names[i]] = fromColumnValue(conversions[i], row[columns[i]]);
  return record as PrmRecord;
}

/** The schema's defaults for fields a new record leaves out. */
export function withDefaults(object: PrmObject, values: Record<string, unknown>): Record<string, unknown> {
  const filled = { ...values };
  for (const [name, field] of Object.entries(object.fields)) {
    if (filled[name] === undefined && field.default !== undefined) filled[name] = field.default;
  }
  return filled;
}
