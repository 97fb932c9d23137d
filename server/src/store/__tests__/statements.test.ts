/** Prepared statements: compiled once per shape, then run with each call's own arguments, on both stores. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { runPrepared } from '../statements.ts';
import { testStores, withTestTables } from './stores.ts';

for (const [dialect, open] of Object.entries(testStores)) {
  describe(`prepared statements (${dialect})`, () => {
    test('each call runs with its own arguments, in the places the builder put them', async () => {
      const { store, dispose } = await open({ migrated: false });
      try {
        await sql`create table pair (id integer primary key, a text not null, b integer not null)`.execute(store.db);
        const tx = { db: store.db, dialect: store.dialect };
        const insertPair = (id: number, a: string, b: number) =>
          runPrepared(tx, `test-insert-${dialect}`, [b, a, id], (db, [bb, aa, ii]) =>
            withTestTables(db).insertInto('pair').values({ id: ii, a: aa, b: bb }),
          );
        await insertPair(1, 'one', 10);
        await insertPair(2, 'two', 20);
        await insertPair(3, 'three', 30);
        const find = (low: number, text: string) =>
          runPrepared(tx, `test-find-${dialect}`, [text, low], (db, [t, l]) =>
            withTestTables(db)
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

    test('inside a transaction a statement answers as outside one: rows, affected rows, errors', async () => {
      const { store, dispose } = await open({ migrated: false });
      try {
        await sql`create table pair (id integer primary key, a text not null unique, b integer not null)`.execute(
          store.db,
        );
        // On the embedded store a transaction's statements run on the connection directly, outside
        // through Kysely: both must give the same answers.
        const answers = async (tx: { db: typeof store.db; dialect: typeof store.dialect; root?: typeof store.db }) => {
          const suffix = tx.root ? 'in' : 'out';
          const insertPair = (id: number, b: number) =>
            runPrepared(tx, `answers-insert-${dialect}`, [id, `a-${suffix}`, b], (db, [i, a, bb]) =>
              withTestTables(db).insertInto('pair').values({ id: i, a, b: bb }),
            );
          const insert = await insertPair(1, 7);
          const update = (b: number) =>
            runPrepared(tx, `answers-update-${dialect}`, [b + 1, b], (db, [next, current]) =>
              withTestTables(db).updateTable('pair').set({ b: next }).where('b', '=', current),
            );
          const updated = await update(7);
          const missed = await update(1000);
          const { rows } = await runPrepared(tx, `answers-select-${dialect}`, [`a-${suffix}`], (db, [a]) =>
            withTestTables(db).selectFrom('pair').select(['a', 'b']).where('a', '=', a),
          );
          const duplicate = await insertPair(2, 9).catch((error: Error) => error.message);
          // Last: on PostgreSQL the failed statement ends the transaction's usefulness.
          return {
            inserted: insert.numAffectedRows,
            updated: updated.numAffectedRows,
            missed: missed.numAffectedRows,
            rows: rows.map((row) => ({ b: Number(row.b) })),
            duplicate: String(duplicate).replace(/pair_a_key|pair\.a/, 'pair.a'),
          };
        };
        const outside = await answers({ db: store.db, dialect: store.dialect });
        await sql`delete from pair`.execute(store.db);
        // Rolled back at the end: on PostgreSQL the refused insert has spoiled the transaction anyway.
        const done = new Error('roll back');
        let inside: Awaited<ReturnType<typeof answers>> | undefined;
        await store.db
          .transaction()
          .execute(async (trx) => {
            inside = await answers({ db: trx, dialect: store.dialect, root: store.db });
            throw done;
          })
          .catch((error: unknown) => {
            if (error !== done) throw error;
          });
        assert.deepEqual(inside, outside);
        assert.equal(outside.inserted, 1n);
        assert.equal(outside.updated, 1n);
        assert.equal(outside.missed, 0n);
        assert.deepEqual(outside.rows, [{ b: 8 }]);
        assert.match(outside.duplicate, /UNIQUE|duplicate key/);
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
