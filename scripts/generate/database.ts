/**
 * Schema → the store's table types for Kysely (its own pattern: one interface per table, one
 * `Database` interface mapping every table name to it). Derived from the same table model as the
 * SQL migrations (sql.ts), so a column is typed exactly as the migration creates it. The server's
 * own tables are not in the schema; server/src/store/systemTables.ts types them by hand, and
 * server/src/store/database.ts joins both into the one `Database`.
 */
import type { Schema } from '@prm/core/schema/registry';
import type { PrmObject } from '@prm/core/schema/object';
import { capitalise } from '@prm/core/hosts/names';
import { generatedNotice, type GeneratedFile } from './files.ts';
import { sqlModel, type SqlColumn, type SqlTable } from './sql.ts';

export const databaseOutputs = { name: 'database', owns: ['server/src/store/generated'] };

/** A column's value as either store gives it back, after store/database.ts's type parsers. */
function valueType(column: SqlColumn): string {
  if (column.type === 'boolean') return 'number | boolean';
  if (column.type === 'json') return 'string | string[]';
  if (column.type === 'integer' || column.type === 'bigint' || column.type.startsWith('numeric')) return 'number';
  return 'string';
}

function columnType(column: SqlColumn): string {
  const value = `${valueType(column)}${column.notNull ? '' : ' | null'}`;
  // A column with a default may be left out of an insert; Kysely's Generated says so.
  return column.default !== undefined ? `Generated<${value}>` : value;
}

/** Named after the record type it holds: `dealRegistration` → `DealRegistrationTable`. */
const tableTypeName = (object: PrmObject): string => `${capitalise(object.name)}Table`;

function tableInterface(object: PrmObject, table: SqlTable): string {
  return [
    `/** Rows of ${capitalise(object.name)} records. */`,
    `export interface ${tableTypeName(object)} {`,
    ...table.columns.map((column) => `  ${column.name}: ${columnType(column)};`),
    '}',
  ].join('\n');
}

export function generateDatabase(schema: Schema): GeneratedFile[] {
  // sqlModel keeps the schema's order, one table per object.
  const { tables } = sqlModel(schema);
  const generated = tables.some((table) => table.columns.some((column) => column.default !== undefined));
  const content = [
    `// ${generatedNotice('database')}`,
    '',
    ...(generated ? ["import type { Generated } from 'kysely';", ''] : []),
    '/**',
    " * Every PRM object's table as the store keeps it: snake_case columns, SQLite's 0/1 for checkboxes",
    ' * and JSON text for multi-select picklists. store/records.ts converts these rows to the records of',
    ' * shared/src/generated/types.ts.',
    ' */',
    '',
    tables.map((table, i) => tableInterface(schema[i], table)).join('\n\n'),
    '',
    'export interface PrmTables {',
    ...tables.map((table, i) => `  ${table.name}: ${tableTypeName(schema[i])};`),
    '}',
    '',
  ].join('\n');
  return [{ path: 'server/src/store/generated/database.ts', content }];
}
