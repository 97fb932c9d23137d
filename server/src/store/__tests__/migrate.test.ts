import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { prmObjects } from '@prm/core/schema/registry';
import { sqlColumnName, sqlTableName } from '@prm/core/hosts/sql';
import { migrate, migrationFiles } from '../migrate.ts';
import { openSqlite, type Store } from '../database.ts';
import { postgresTestStore } from './stores.ts';

/** Every table and column the schema declares, as the stores must have them. */
const expectedColumns = prmObjects.flatMap((object) =>
  Object.keys(object.fields).map((field) => `${sqlTableName(object)}.${sqlColumnName(object, field)}`),
);

async function columnsOf(store: Store): Promise<Set<string>> {
  const rows =
    store.dialect === 'sqlite'
      ? await sql<{
          t: string;
          c: string;
        }>`select m.name as t, p.name as c from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'`.execute(
          store.db,
        )
      : await sql<{
          t: string;
          c: string;
        }>`select table_name as t, column_name as c from information_schema.columns where table_schema = current_schema()`.execute(
          store.db,
        );
  return new Set(rows.rows.map((r) => `${r.t}.${r.c}`));
}

const now = new Date().toISOString();

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`migrations on ${dialect}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    before(async () => {
      if (dialect === 'sqlite') {
        store = openSqlite(':memory:');
        dispose = () => store.close();
      } else {
        ({ store, dispose } = await postgresTestStore({ migrated: false }));
      }
    });
    after(() => dispose());

    it('create every table and column of the schema, and a second run applies nothing', async () => {
      assert.deepEqual(await migrate(store), migrationFiles(dialect));
      assert.deepEqual(await migrate(store), []);
      const actual = await columnsOf(store);
      for (const column of expectedColumns) assert.ok(actual.has(column), `missing ${column}`);
    });

    it('enforce the schema: a required lookup refuses a partner that does not exist', async () => {
      await assert.rejects(
        store.db
          .insertInto('deal_registration')
          .values({
            id: 'r1',
            name: 'DR-1',
            created_at: now,
            updated_at: now,
            partner_id: 'nobody',
            customer_name: 'Acme',
            customer_country: 'DE',
            opportunity_name: 'Acme renewal',
            currency: 'EUR',
            amount: 100,
            expected_close_on: '2027-01-01',
            status: 'draft',
          })
          .execute(),
        /FOREIGN KEY constraint failed|violates foreign key constraint/,
      );
    });

    it('enforce the schema: a course code is unique', async () => {
      const insert = (id: string) =>
        store.db
          .insertInto('course')
          .values({ id, name: 'Security basics', created_at: now, updated_at: now, course_code: 'SEC-101' })
          .execute();
      await insert('c1');
      await assert.rejects(insert('c2'), /UNIQUE constraint failed|duplicate key value violates unique constraint/);
    });
  });
}
