/**
 * Group commit on the embedded store: concurrent write transactions share one commit, a piece of work
 * that fails is rolled back alone, a commit that fails takes its whole batch back (and tells the
 * caches), and PostgreSQL keeps one transaction per piece of work.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqlite, type Store } from '../database.ts';
import { onTransactionFailure } from '../groupCommit.ts';
import { postgresTestStore, withTestTables } from './stores.ts';

async function createTables(store: Store) {
  await sql`create table parent (id integer primary key)`.execute(store.db);
  await sql`create table item (id integer primary key, parent_id integer references parent (id), label text not null unique)`.execute(
    store.db,
  );
  await sql`insert into parent (id) values (1)`.execute(store.db);
}

const labels = async (store: Store) =>
  (await withTestTables(store.db).selectFrom('item').select('label').orderBy('label').execute()).map(
    (row) => row.label,
  );

const insert =
  (label: string, parent = 1) =>
  async (tx: { db: Store['db'] }) => {
    await withTestTables(tx.db).insertInto('item').values({ parent_id: parent, label }).execute();
    return label;
  };

describe('group commit (SQLite on disk)', () => {
  let folder: string;
  let store: Store;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'prm-group-'));
    store = openSqlite(join(folder, 'prm.sqlite'));
    await createTables(store);
  });
  after(async () => {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('work submitted together commits in one transaction, and each caller gets its own result', async () => {
    const { transactions } = store.transaction.stats;
    const results = await Promise.all(['a1', 'a2', 'a3', 'a4', 'a5'].map((label) => store.transaction(insert(label))));
    assert.deepEqual(results, ['a1', 'a2', 'a3', 'a4', 'a5']);
    assert.equal(store.transaction.stats.transactions - transactions, 1);
    assert.deepEqual(await labels(store), ['a1', 'a2', 'a3', 'a4', 'a5']);
  });

  test('a piece of work that fails is rolled back alone; the others in its batch commit', async () => {
    const { transactions } = store.transaction.stats;
    const outcomes = await Promise.allSettled([
      store.transaction(insert('b1')),
      store.transaction(async (tx) => {
        await insert('b2')(tx);
        throw new Error('the rules refused b2');
      }),
      store.transaction(insert('a1')), // a duplicate label: the database refuses it
      store.transaction(insert('b3')),
    ]);
    assert.equal(store.transaction.stats.transactions - transactions, 1);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /the rules refused b2/);
    assert.match(String((outcomes[2] as PromiseRejectedResult).reason), /UNIQUE constraint failed/);
    assert.deepEqual(await labels(store), ['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b3']);
  });

  test('work alone in its transaction that fails leaves nothing behind', async () => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await insert('c1')(tx);
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.ok(!(await labels(store)).includes('c1'));
  });

  test('a commit that fails takes the whole batch back, rejects every caller and tells the caches', async () => {
    let told = 0;
    onTransactionFailure(store.db, () => told++);
    const outcomes = await Promise.allSettled([
      store.transaction(insert('d1')),
      store.transaction(async (tx) => {
        // Checked at commit: the row refers to a parent that does not exist.
        await sql`pragma defer_foreign_keys = on`.execute(tx.db);
        await insert('d2', 999)(tx);
      }),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['rejected', 'rejected'],
    );
    assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /FOREIGN KEY constraint failed/);
    assert.equal(told, 1);
    const now = await labels(store);
    assert.ok(!now.includes('d1') && !now.includes('d2'));
  });

  test('a cache whose listener throws does not stop the transactions that follow', async () => {
    onTransactionFailure(store.db, () => {
      throw new Error('this cache cannot forget');
    });
    const failed = store.transaction(async (tx) => {
      await sql`pragma defer_foreign_keys = on`.execute(tx.db);
      await insert('f1', 999)(tx);
    });
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      await assert.rejects(failed, /FOREIGN KEY constraint failed/);
    } finally {
      console.error = original;
    }
    assert.match(String(logged.flat().join(' ')), /this cache cannot forget/);
    assert.equal(await store.transaction(insert('f2')), 'f2');
  });

  test('work arriving while a batch runs goes into the next batch', async () => {
    const { transactions } = store.transaction.stats;
    let second: Promise<string> | undefined;
    const first = store.transaction(async (tx) => {
      second = store.transaction(insert('e2'));
      return insert('e1')(tx);
    });
    assert.equal(await first, 'e1');
    assert.equal(await second, 'e2');
    assert.equal(store.transaction.stats.transactions - transactions, 2);
  });
});

describe('PostgreSQL keeps one transaction per piece of work', () => {
  test('concurrent work commits independently', async () => {
    const { store, dispose } = await postgresTestStore({ migrated: false });
    try {
      await sql`create table parent (id integer primary key)`.execute(store.db);
      await sql`create table item (id serial primary key, parent_id integer references parent (id), label text not null unique)`.execute(
        store.db,
      );
      await sql`insert into parent (id) values (1)`.execute(store.db);
      const outcomes = await Promise.allSettled([
        store.transaction(insert('p1')),
        store.transaction(async (tx) => {
          await insert('p2')(tx);
          throw new Error('refused');
        }),
        store.transaction(insert('p3')),
      ]);
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal(store.transaction.stats.transactions, 3);
      assert.deepEqual(await labels(store), ['p1', 'p3']);
    } finally {
      await dispose();
    }
  });
});
