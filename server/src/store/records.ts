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

function toColumnValue(field: Field, value: unknown, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  if (field.kind === 'checkbox') return dialect === 'sqlite' ? (value ? 1 : 0) : Boolean(value);
  if (field.kind === 'multiPicklist') return JSON.stringify(value);
  // Stored in UTC, so both stores give back the same instant in the same form (an offset is not kept).
  if (field.kind === 'dateTime' && typeof value === 'string') return new Date(value).toISOString();
  return value;
}

function fromColumnValue(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.kind) {
    case 'checkbox':
      return value === true || value === 1;
    case 'multiPicklist':
      return typeof value === 'string' ? JSON.parse(value) : value;
    case 'integer':
    case 'money':
    case 'decimal':
    case 'percent':
      return Number(value);
    default:
      return value;
  }
}

/** The columns to write for the given record fields (only those present). */
export function toRow(object: PrmObject, values: Record<string, unknown>, dialect: Dialect): Row {
  const row: Row = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const field = object.fields[name];
    if (field) row[sqlColumnName(object, name)] = toColumnValue(field, value, dialect);
    else if (systemColumns[name]) row[systemColumns[name]] = value;
  }
  return row;
}

export function fromRow(object: PrmObject, row: Row): PrmRecord {
  const record: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(systemColumns)) record[name] = row[column] ?? null;
  record.version = Number(row.version);
  for (const [name, field] of Object.entries(object.fields)) {
    record[name] = fromColumnValue(field, row[sqlColumnName(object, name)]);
  }
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
