/** Stores for tests: an in-memory SQLite, or a fresh schema in the PostgreSQL at DATABASE_URL (dropped after). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Generated } from 'kysely';
import { openPostgres, openSqlite, type Db, type Store } from '../database.ts';
import { recordTables } from '../records.ts';
import { migrate } from '../migrate.ts';
import { registerBusinessHooks } from '../../businessHooks.ts';

// Every test store is written the way the server writes it: with the concepts' audit hooks.
registerBusinessHooks();

export const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresTestStore(
  options: { migrated?: boolean } = {},
): Promise<{ store: Store; dispose: () => Promise<void> }> {
  const schema = `prm_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const store = openPostgres(postgresUrl, { searchPath: schema, max: 10 });
  if (options.migrated !== false) await migrate(store);
  return {
    store,
    dispose: async () => {
      await store.close();
      const cleanup = new pg.Client({ connectionString: postgresUrl });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
}

export async function sqliteTestStore(): Promise<{ store: Store; dispose: () => Promise<void> }> {
  const store = openSqlite(':memory:');
  await migrate(store);
  return { store, dispose: () => store.close() };
}

export const testStores = {
  sqlite: sqliteTestStore,
  postgres: postgresTestStore,
} as const;

/** How many rows a table holds, for tests that check what a request wrote or did not write. */
export async function rowCount(db: Store['db'], table: string): Promise<number> {
  const row = await recordTables(db)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The tables some store tests create for themselves, typed for their queries. */
type TestTables = {
  item: { id: Generated<number>; parent_id: Generated<number | null>; label: string };
  pair: { id: number; a: string; b: number };
};

export const withTestTables = (db: Db) => db.withTables<TestTables>();
