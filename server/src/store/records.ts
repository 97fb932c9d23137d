/**
 * Converting between PRM records as the core and the API see them (camelCase, money as integer minor
 * units, booleans, arrays) and rows as each store keeps them (snake_case, SQLite's 0/1 and JSON text).
 * Every conversion is driven by the schema, so no object needs code of its own.
 *
 * Being driven by the schema at run time, this is the one place the store is untyped: the record
 * paths' view of any table (recordTables), a row's record given its object's type (fromRow, recordOf)
 * and a field read by name (fieldValue). Everything above it is typed by object name (RecordOf).
 */
import type { Field } from '@prm/core/schema/fields';
import type { PrmObject } from '@prm/core/schema/object';
import { sqlColumnName } from '@prm/core/hosts/sql';
import type { PrmRecords } from '@prm/core/generated/types';
import type { Dialect } from './migrate.ts';
import type { Db } from './database.ts';

/** A record of an object known only at run time (the HTTP routes take the object from the URL). */
export type PrmRecord = Record<string, unknown> & { id: string; version: number };
export type Row = Record<string, unknown>;

/** Any record as stored, of whichever object, typed or not. */
export interface StoredRecord {
  id: string;
  version: number;
}

/** A field of any record, by the name the schema gives it. */
export const fieldValue = (record: object, field: string): unknown =>
  (record as Readonly<Record<string, unknown>>)[field];

/**
 * A record typed by its object's name (`RecordOf<'partner'>` is the generated `Partner`) when the name
 * is known where the code is written, and the run-time shape when it is not.
 */
export type RecordOf<Name extends string> = Name extends keyof PrmRecords ? PrmRecords[Name] : PrmRecord;

/**
 * The record paths build their SQL from the schema at run time (the table is the object's, the
 * columns its fields'), which no static type can follow, so they query through this view of the store
 * that takes any table and column name. Kysely's `withTables` changes only the types, never the SQL.
 * Rows read through it become typed records in fromRow.
 */
export const recordTables = (db: Db) => db.withTables<Record<string, Row>>();

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
export function toRow(object: PrmObject, values: object, dialect: Dialect): Row {
  const { columnOf } = planOf(object);
  const row: Row = {};
  for (const name in values) {
    const value = fieldValue(values, name);
    if (value === undefined) continue;
    const target = columnOf.get(name);
    if (!target) continue;
    row[target.column] = target.conversion === null ? value : toColumnValue(target.conversion, value, dialect);
  }
  return row;
}

/** The record a row holds; the schema drives it, so here the row's record gets its object's type. */
export function fromRow<Name extends string>(object: PrmObject<Name>, row: Row): RecordOf<Name> {
  const { names, columns, conversions } = planOf(object);
  const record: Record<string, unknown> = {};
  for (const name in systemColumns) record[name] = row[systemColumns[name]] ?? null;
  record.version = Number(row.version);
  for (let i = 0; i < names.length; i++) record[names[i]] = fromColumnValue(conversions[i], row[columns[i]]);
  return record as RecordOf<Name>;
}

/**
 * What an audit entry's `after` holds (JSON text on SQLite, parsed jsonb on PostgreSQL): the record as
 * the repository wrote it, nothing for a deletion, or a note about a record that changed nothing in it.
 */
export function recordInAudit(after: unknown): object | 'deleted' | 'note' {
  const value: unknown = typeof after === 'string' ? JSON.parse(after) : after;
  if (value === null || value === undefined) return 'deleted';
  return typeof value === 'object' && 'version' in value && typeof value.version === 'number' ? value : 'note';
}

/**
 * A record the repository wrote, read back from where it was kept as a record (the audit log): it has
 * its object's type because the repository gave it that type when it wrote it.
 */
export const recordOf = <Name extends string>(object: PrmObject<Name>, record: object): RecordOf<Name> =>
  record as RecordOf<Name>;

/** The schema's defaults for fields a new record leaves out. */
export function withDefaults(object: PrmObject, values: Record<string, unknown>): Record<string, unknown> {
  const filled = { ...values };
  for (const [name, field] of Object.entries(object.fields)) {
    if (filled[name] === undefined && field.default !== undefined) filled[name] = field.default;
  }
  return filled;
}
