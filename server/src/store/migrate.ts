/**
 * Applies the SQL migrations in order, each in its own transaction, and records them in
 * `prm_migrations` so a restart applies only what is new. The same folder layout serves SQLite and
 * PostgreSQL; generated and hand-written migrations share one sequence.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import type { Store } from './database.ts';

export const migrationsRoot = resolve(import.meta.dirname, '../../migrations');

export type Dialect = 'sqlite' | 'postgres';

export function migrationFiles(dialect: Dialect, root = migrationsRoot): string[] {
  return readdirSync(join(root, dialect))
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort();
}

/**
 * One statement at a time, because PostgreSQL's extended protocol (which drivers use for queries)
 * refuses several in one call. Our migrations end every statement with `;` at the end of a line and
 * keep semicolons out of string literals.
 */
export function statements(migration: string): string[] {
  return migration
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

export async function migrate(store: Store, root = migrationsRoot): Promise<string[]> {
  const timestamp = store.dialect === 'postgres' ? 'timestamptz' : 'text';
  await sql
    .raw(`create table if not exists prm_migrations (id varchar(100) primary key, applied_at ${timestamp} not null)`)
    .execute(store.db);
  const applied = new Set(
    (await store.db.selectFrom('prm_migrations').select('id').execute()).map((row: { id: string }) => row.id),
  );
  const newlyApplied: string[] = [];
  for (const file of migrationFiles(store.dialect, root)) {
    if (applied.has(file)) continue;
    const text = readFileSync(join(root, store.dialect, file), 'utf8');
    try {
      await store.db.transaction().execute(async (trx) => {
        for (const statement of statements(text)) await sql.raw(statement).execute(trx);
        await trx.insertInto('prm_migrations').values({ id: file, applied_at: new Date().toISOString() }).execute();
      });
    } catch (error) {
      throw new Error(`Migration ${store.dialect}/${file} failed and was rolled back: ${(error as Error).message}`, {
        cause: error,
      });
    }
    newlyApplied.push(file);
  }
  return newlyApplied;
}
