/** Prepared statements: compiled once per shape, then run with each call's own arguments, on both stores. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { runPrepared } from '../statements.ts';
import { testStores } from './stores.ts';

for (const [dialect, open] of Object.entries(testStores)) {
  describe(`prepared statements (${dialect})`, () => {
    test('each call runs with its own arguments, in the places the builder put them', async () => {
      const { store, dispose } = await open({ migrated: false });
      try {
        await sql`create table pair (id integer primary key, a text not null, b integer not null)`.execute(store.db);
        const tx = { db: store.db, dialect: store.dialect };
        const insertPair = (id: number, a: string, b: number) =>
          runPrepared(tx, `test-insert-${dialect}`, [b, a, id], (db, [bb, aa, ii]) =>
            db.insertInto('pair').values({ id: ii, a: aa, b: bb }),
          );
        await insertPair(1, 'one', 10);
        await insertPair(2, 'two', 20);
        await insertPair(3, 'three', 30);
        const find = (low: number, text: string) =>
          runPrepared<{ id: number }>(tx, `test-find-${dialect}`, [text, low], (db, [t, l]) =>
            db
              .selectFrom('pair')
              .select('id')
              .where('b', '>=', l)
              .where('a', '<>', t)
              .where('id', '>', 0)
              .orderBy('id'),
          );
        assert.deepEqual(
          (await find(15, 'three')).rows.map((row) => Number(row.id)),
          [2],
        );
        assert.deepEqual(
          (await find(0, 'two')).rows.map((row) => Number(row.id)),
          [1, 3],
        );
      } finally {
        await dispose();
      }
    });

    test('a builder that does not use an argument as a parameter is refused', async () => {
      const { store, dispose } = await open({ migrated: false });
      try {
        const tx = { db: store.db, dialect: store.dialect };
        await assert.rejects(
          runPrepared(tx, `test-unused-${dialect}`, [1, 2], (db, [first]) =>
            db.selectNoFrom(sql<number>`1`.as('one')).where(sql.lit(1), '=', first as number),
          ),
          /must use each of its 2 arguments/,
        );
      } finally {
        await dispose();
      }
    });
  });
}
