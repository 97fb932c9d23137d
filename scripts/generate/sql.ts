/**
 * Schema → SQL migrations for the server's store, for SQLite (the embedded default) and PostgreSQL.
 * Migrations are append-only: the generator compares the schema with the snapshot that the committed
 * migrations produce and writes the next migration for what was added. Changes a generator cannot
 * make safely (a column removed or retyped) stop with a message asking for a hand-written migration.
 * DDL is compiled by Kysely's schema builder for each dialect rather than by string templates.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
} from 'kysely';
import type { Field } from '@prm/core/schema/fields';
import { objectNamed, type Schema } from '@prm/core/schema/registry';
import { sqlColumnName, sqlTableName } from '@prm/core/hosts/sql';
import { json, generatedNotice, type GeneratedFile } from './files.ts';

export const sqlOutputs = { name: 'sql', owns: ['server/migrations'] };

export const dialects = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof dialects)[number];

export interface SqlColumn {
  name: string;
  /** Portable type: id, text, varchar(n), integer, bigint, numeric(p,s), boolean, date, timestamp, json. */
  type: string;
  notNull: boolean;
  unique?: boolean;
  primaryKey?: boolean;
  references?: { table: string; onDelete: 'restrict' | 'set null' };
  default?: string | number | boolean;
}

export interface SqlTable {
  name: string;
  columns: SqlColumn[];
}

export interface SqlSnapshot {
  tables: SqlTable[];
}

export interface ExistingMigrations {
  snapshot: SqlSnapshot;
  /** Every committed migration file, by path. */
  files: GeneratedFile[];
}

function columnType(field: Field): string {
  switch (field.kind) {
    case 'text':
      return `varchar(${field.length})`;
    case 'currency':
      return 'varchar(3)';
    case 'email':
      return 'varchar(254)';
    case 'url':
      return 'varchar(255)';
    case 'phone':
      return 'varchar(40)';
    case 'longText':
      return 'text';
    case 'integer':
      return 'integer';
    case 'money':
      return 'bigint';
    case 'decimal':
      return `numeric(${field.precision},${field.scale})`;
    case 'percent':
      return 'numeric(5,2)';
    case 'date':
      return 'date';
    case 'dateTime':
      return 'timestamp';
    case 'checkbox':
      return 'boolean';
    case 'multiPicklist':
      return 'json';
    case 'picklist':
      return 'varchar(40)';
    case 'lookup':
      return 'id';
  }
}

/** The tables the schema asks for, in dependency order. */
export function sqlModel(schema: Schema): SqlSnapshot {
  return {
    tables: schema.map((object) => {
      const columns: SqlColumn[] = [
        { name: 'id', type: 'id', notNull: true, primaryKey: true },
        { name: 'crm_id', type: 'varchar(64)', notNull: false, unique: true },
        {
          name: 'name',
          type: `varchar(${object.nameField && 'length' in object.nameField ? object.nameField.length : 40})`,
          notNull: true,
        },
        { name: 'created_at', type: 'timestamp', notNull: true },
        { name: 'updated_at', type: 'timestamp', notNull: true },
        { name: 'version', type: 'integer', notNull: true, default: 1 },
      ];
      for (const [name, field] of Object.entries(object.fields)) {
        const column: SqlColumn = {
          name: sqlColumnName(object, name),
          type: columnType(field),
          notNull: Boolean(field.required),
        };
        if (field.unique || field.externalId) column.unique = true;
        if (field.default !== undefined) column.default = field.default;
        if (field.kind === 'lookup') {
          column.references = {
            table: sqlTableName(objectNamed(schema, field.target)),
            onDelete: field.onDelete === 'restrict' ? 'restrict' : 'set null',
          };
        }
        columns.push(column);
      }
      return { name: sqlTableName(object), columns };
    }),
  };
}

function compilerFor(dialect: Dialect): Kysely<unknown> {
  return new Kysely<unknown>({
    dialect:
      dialect === 'postgres'
        ? {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new PostgresIntrospector(db),
            createQueryCompiler: () => new PostgresQueryCompiler(),
          }
        : {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new SqliteIntrospector(db),
            createQueryCompiler: () => new SqliteQueryCompiler(),
          },
  });
}

function dialectType(type: string, dialect: Dialect): string {
  if (dialect === 'postgres') {
    if (type === 'id') return 'varchar(64)';
    if (type === 'timestamp') return 'timestamptz';
    if (type === 'json') return 'jsonb';
    return type;
  }
  // SQLite stores by affinity: ISO-8601 text for dates, 0/1 for booleans, JSON as text.
  if (type === 'id' || type.startsWith('varchar') || type === 'date' || type === 'timestamp' || type === 'json')
    return 'text';
  if (type.startsWith('numeric')) return 'numeric';
  if (type === 'boolean' || type === 'bigint') return 'integer';
  return type;
}

function defineColumn(column: SqlColumn, dialect: Dialect) {
  return (builder: ColumnDefinitionBuilder): ColumnDefinitionBuilder => {
    let out = builder;
    if (column.primaryKey) out = out.primaryKey();
    if (column.notNull && !column.primaryKey) out = out.notNull();
    if (column.unique) out = out.unique();
    if (column.default !== undefined) {
      const value =
        typeof column.default === 'boolean' && dialect === 'sqlite' ? Number(column.default) : column.default;
      out = out.defaultTo(sql.lit(value));
    }
    if (column.references) {
      out = out.references(`${column.references.table}.id`).onDelete(column.references.onDelete);
    }
    return out;
  };
}

/**
 * Kysely compiles a table to one line; a migration is read by people, so each column goes on its own
 * line. Splits only at commas outside parentheses and quotes.
 */
export function oneColumnPerLine(statement: string): string {
  const open = statement.indexOf('(');
  if (!statement.startsWith('create table') || open < 0 || !statement.endsWith(')')) return statement;
  const body = statement.slice(open + 1, -1);
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(body.slice(start).trim());
  return `${statement.slice(0, open).trimEnd()} (\n  ${parts.join(',\n  ')}\n)`;
}

function createTableSql(db: Kysely<unknown>, table: SqlTable, dialect: Dialect): string[] {
  let builder: CreateTableBuilder<string, string> = db.schema.createTable(table.name);
  for (const column of table.columns) {
    builder = builder.addColumn(column.name, sql.raw(dialectType(column.type, dialect)), defineColumn(column, dialect));
  }
  const statements = [oneColumnPerLine(builder.compile().sql)];
  for (const column of table.columns.filter((c) => c.references)) {
    statements.push(
      db.schema.createIndex(`${table.name}_${column.name}_idx`).on(table.name).column(column.name).compile().sql,
    );
  }
  return statements;
}

function addColumnSql(db: Kysely<unknown>, table: string, column: SqlColumn, dialect: Dialect): string[] {
  const statements = [
    db.schema
      .alterTable(table)
      .addColumn(column.name, sql.raw(dialectType(column.type, dialect)), defineColumn(column, dialect))
      .compile().sql,
  ];
  if (column.references) {
    statements.push(db.schema.createIndex(`${table}_${column.name}_idx`).on(table).column(column.name).compile().sql);
  }
  return statements;
}

export class MigrationNeedsAHuman extends Error {}

interface Change {
  table: SqlTable;
  newColumns: SqlColumn[] | 'table';
}

/** What was added since the snapshot; anything else is refused with the reason. */
export function diffSnapshots(before: SqlSnapshot, after: SqlSnapshot): Change[] {
  const changes: Change[] = [];
  const refusals: string[] = [];
  for (const old of before.tables) {
    if (!after.tables.some((t) => t.name === old.name)) refusals.push(`table ${old.name} was removed`);
  }
  for (const table of after.tables) {
    const old = before.tables.find((t) => t.name === table.name);
    if (!old) {
      changes.push({ table, newColumns: 'table' });
      continue;
    }
    for (const column of old.columns) {
      const now = table.columns.find((c) => c.name === column.name);
      if (!now) refusals.push(`column ${table.name}.${column.name} was removed`);
      else if (JSON.stringify(now) !== JSON.stringify(column))
        refusals.push(`column ${table.name}.${column.name} changed`);
    }
    const added = table.columns.filter((c) => !old.columns.some((o) => o.name === c.name));
    for (const column of added) {
      if (column.notNull && column.default === undefined) {
        refusals.push(
          `new column ${table.name}.${column.name} is required but has no default, so existing rows cannot take it`,
        );
      }
    }
    if (added.length) changes.push({ table, newColumns: added });
  }
  if (refusals.length) {
    throw new MigrationNeedsAHuman(
      `The schema changed in ways a generated migration cannot apply safely:\n- ${refusals.join('\n- ')}\n` +
        'Write the migration by hand in server/migrations/<dialect>/, update server/migrations/snapshot.json to match, and run npm run generate again.',
    );
  }
  return changes;
}

function migrationName(changes: Change[]): string {
  const parts = changes.map((c) =>
    c.newColumns === 'table' ? c.table.name : `${c.table.name}_${c.newColumns.map((x) => x.name).join('_')}`,
  );
  const slug =
    changes.every((c) => c.newColumns === 'table') && changes.length > 3 ? 'initial' : `add_${parts.join('_and_')}`;
  return slug.slice(0, 60);
}

export function generateSql(schema: Schema, existing: ExistingMigrations): GeneratedFile[] {
  const target = sqlModel(schema);
  const changes = diffSnapshots(existing.snapshot, target);
  if (changes.length === 0) return existing.files;
  // After the highest number in use, not the count of files: hand-written migrations may leave gaps
  // while they are written side by side, and the new one must still sort last.
  const highest = Math.max(
    0,
    ...existing.files
      .filter((f) => f.path.startsWith('server/migrations/sqlite/'))
      .map((f) => Number(/\/(\d{4})_[^/]*$/.exec(f.path)?.[1] ?? 0)),
  );
  const fileName = `${String(highest + 1).padStart(4, '0')}_${migrationName(changes)}.sql`;
  const files = existing.files.filter((f) => !f.path.endsWith('snapshot.json'));
  for (const dialect of dialects) {
    const db = compilerFor(dialect);
    const statements = changes.flatMap((change) =>
      change.newColumns === 'table'
        ? createTableSql(db, change.table, dialect)
        : change.newColumns.flatMap((column) => addColumnSql(db, change.table.name, column, dialect)),
    );
    files.push({
      path: `server/migrations/${dialect}/${fileName}`,
      content: `-- ${generatedNotice('sql')}\n\n${statements.map((s) => `${s};`).join('\n\n')}\n`,
    });
  }
  files.push({ path: 'server/migrations/snapshot.json', content: json(target) });
  return files;
}
