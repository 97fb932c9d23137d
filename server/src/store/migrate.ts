/**
 * Applies the generated SQL migrations in order, each in its own transaction, and records them in
 * `prm_migrations` so a restart applies only what is new. The same files run on SQLite and PostgreSQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const migrationsRoot = resolve(import.meta.dirname, '../../migrations');

export type Dialect = 'sqlite' | 'postgres';

/** The little a migration runner needs from a connection; both drivers are adapted to it. */
export interface MigrationTarget {
  dialect: Dialect;
  /** Runs statements that return nothing (may contain several separated by semicolons). */
  exec(sql: string): Promise<void>;
  /** Runs a query and returns its rows. */
  query<Row>(sql: string): Promise<Row[]>;
}

export function migrationFiles(dialect: Dialect, root = migrationsRoot): string[] {
  return readdirSync(join(root, dialect))
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort();
}

export async function migrate(target: MigrationTarget, root = migrationsRoot): Promise<string[]> {
  const timestamp = target.dialect === 'postgres' ? 'timestamptz' : 'text';
  await target.exec(
    `create table if not exists prm_migrations (id varchar(100) primary key, applied_at ${timestamp} not null)`,
  );
  const applied = new Set((await target.query<{ id: string }>('select id from prm_migrations')).map((row) => row.id));
  const newlyApplied: string[] = [];
  for (const file of migrationFiles(target.dialect, root)) {
    if (applied.has(file)) continue;
    const sql = readFileSync(join(root, target.dialect, file), 'utf8');
    await target.exec('begin');
    try {
      await target.exec(sql);
      await target.exec(
        `insert into prm_migrations (id, applied_at) values ('${file}', '${new Date().toISOString()}')`,
      );
      await target.exec('commit');
    } catch (error) {
      await target.exec('rollback');
      throw new Error(`Migration ${target.dialect}/${file} failed and was rolled back: ${(error as Error).message}`, {
        cause: error,
      });
    }
    newlyApplied.push(file);
  }
  return newlyApplied;
}
