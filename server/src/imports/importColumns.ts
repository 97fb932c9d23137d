/**
 * The file's header planned as columns (each a field the importer may write, or id / crmId), and each
 * row's cells read as values of those fields.
 */
import type { PrmObject } from '@prm/core/schema/object';
import type { Field } from '@prm/core/schema/fields';
import { fieldAccess } from '@prm/core/schema/access';
import type { Actor } from '../auth/policy.ts';
import { cellToValue, CellError } from './cells.ts';
import { type RowError, ImportFileError } from './importReport.ts';

/** Columns that are the record's own metadata: exported for reference, never written by an import. */
const metadataColumns = new Set(['createdAt', 'updatedAt', 'version']);
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export interface Column {
  name: string;
  /** The field, for field columns; undefined for id, crmId, name and metadata. */
  field?: Field;
  role: 'id' | 'crmId' | 'name' | 'metadata' | 'field';
}

/** The object's external id field (erpOrderId, ...), which matches re-imported rows. */
export function externalIdField(object: PrmObject): string | undefined {
  return Object.entries(object.fields).find(([, field]) => field.externalId)?.[0];
}

function hasTypedName(object: PrmObject): boolean {
  return Boolean(object.nameField && 'length' in object.nameField);
}

/** Reads the header: every column must be something this person can see on this object, once. */
export function planColumns(actor: Actor, object: PrmObject, header: string[]): Column[] {
  const problems: RowError[] = [];
  const seen = new Set<string>();
  const columns = header.map((raw): Column => {
    const name = raw.trim();
    if (seen.has(name)) problems.push({ line: 1, field: name, message: 'appears twice in the header' });
    seen.add(name);
    if (name === 'id' || name === 'crmId') return { name, role: name };
    if (name === 'name') return { name, role: hasTypedName(object) ? 'name' : 'metadata' };
    if (metadataColumns.has(name)) return { name, role: 'metadata' };
    const field = object.fields[name];
    if (!field || fieldAccess(object, field, actor.role) === 'none') {
      problems.push({
        line: 1,
        field: name || '(empty column name)',
        message: `is not a field of ${object.pluralLabel.toLowerCase()} you can import (header names are the API's field names, e.g. ${Object.keys(object.fields).slice(0, 3).join(', ')})`,
      });
      return { name, role: 'metadata' };
    }
    return { name, field, role: 'field' };
  });
  if (problems.length) throw new ImportFileError(`The header of the file is not valid.`, problems);
  return columns;
}

/** One parsed row: the key columns and the field values it gives. */
export interface ParsedRow {
  id: string | null;
  crmId: string | null;
  values: Record<string, unknown>;
}

export function parseRow(columns: Column[], cells: string[], line: number, errors: RowError[]): ParsedRow {
  const row: ParsedRow = { id: null, crmId: null, values: {} };
  columns.forEach((column, i) => {
    const cell = cells[i] ?? '';
    if (column.role === 'metadata') return;
    if (column.role === 'id' || column.role === 'crmId') {
      const text = cell.trim();
      if (text !== '' && (text.length > 64 || (column.role === 'id' && !idPattern.test(text))))
        errors.push({ line, field: column.name, message: 'must be at most 64 letters, digits, _ or -' });
      row[column.role] = text === '' ? null : text;
      return;
    }
    if (column.role === 'name') {
      row.values.name = cell.trim() === '' ? null : cell.trim();
      return;
    }
    try {
      row.values[column.name] = cellToValue(column.field!, cell);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      errors.push({ line, field: column.name, message: error.message });
    }
  });
  return row;
}
