/** The embedded store: one SQLite file, created and migrated on first use. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type MigrationTarget } from './migrate.ts';

export function sqliteMigrationTarget(db: Database.Database): MigrationTarget {
  return {
    dialect: 'sqlite',
    exec: async (sql) => void db.exec(sql),
    query: async <Row>(sql: string) => db.prepare(sql).all() as Row[],
  };
}

export async function openEmbeddedStore(file: string): Promise<{ db: Database.Database; applied: string[] }> {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  const applied = await migrate(sqliteMigrationTarget(db));
  return { db, applied };
}
