/**
 * The embedded store checkpoints on a thread of its own: the write-ahead log reaches the database file
 * without the writer ever running a checkpoint inside a commit, the writer's own checkpoint stays as a
 * safety net, and it takes over again if the thread is gone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { openSqlite, type Store } from '../database.ts';
import { withTestTables } from './stores.ts';
import { safetyNetPages, startBackgroundCheckpoints } from '../checkpoints.ts';

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Rows in the database file alone, as a copy without its log sees them. */
function rowsInFile(file: string, folder: string): number {
  const copy = join(folder, `copy-${Date.now()}-${Math.random()}.sqlite`);
  copyFileSync(file, copy);
  const database = new Database(copy, { readonly: false });
  try {
    // The table itself may still be only in the log.
    if (!database.prepare("select 1 from sqlite_master where name = 'item'").get()) return 0;
    return (database.prepare('select count(*) as n from item').get() as { n: number }).n;
  } finally {
    database.close();
  }
}

const autocheckpoint = async (store: Store) =>
  Number(
    (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0].wal_autocheckpoint,
  );

/** `count` commits of one row each. */
async function commitRows(store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await store.transaction((tx) =>
      withTestTables(tx.db)
        .insertInto('item')
        .values({ label: `row ${i}` })
        .execute(),
    );
}

describe('background checkpoints (SQLite on disk)', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'prm-checkpoints-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  test('committed rows reach the database file from the thread, long before the writer would checkpoint', async () => {
    const file = join(folder, 'prm.sqlite');
    const store = openSqlite(file);
    try {
      assert.equal(await autocheckpoint(store), safetyNetPages);
      await sql`create table item (id integer primary key, label text not null)`.execute(store.db);
      // 300 commits of a row each: a few hundred log pages, far below the writer's own threshold.
      await commitRows(store, 300);
      await until(() => rowsInFile(file, folder) === 300, 'the database file holds all 300 rows');
      // The thread reports a checkpoint after running it: the report may still be on its way.
      await until(() => store.checkpoints!.runs > 0, 'the thread reports its checkpoints');
      assert.equal(store.checkpoints!.lastError, null);
    } finally {
      await store.close();
    }
    // The thread is stopped before the writer closes, so the last close folds the log in and removes it.
    assert.equal(existsSync(`${file}-wal`), false);
  });

  test('without the thread, rows stay in the log until the writer checkpoints', async () => {
    const file = join(folder, 'plain.sqlite');
    const store = openSqlite(file, { backgroundCheckpoints: false });
    try {
      assert.equal(store.checkpoints, undefined);
      assert.equal(await autocheckpoint(store), 1000);
      await sql`create table item (id integer primary key, label text not null)`.execute(store.db);
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
      await commitRows(store, 50);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // The control for the test above: nothing moves the rows into the file on its own.
      assert.equal(rowsInFile(file, folder), 0);
    } finally {
      await store.close();
    }
  });

  test('a store left open does not keep the process alive', () => {
    const database = resolve(import.meta.dirname, '../database.ts');
    const script = `
      import { openSqlite } from ${JSON.stringify(database)};
      const store = openSqlite(${JSON.stringify(join(folder, 'left-open.sqlite'))});
      await store.db.schema.createTable('item').addColumn('id', 'integer').execute();
      // Running and talking to this thread: what once kept the process alive.
      while (store.checkpoints.runs === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      console.log('done, runs:', store.checkpoints.runs);
    `;
    // Without the test runner's marker, which would make the child a test process that waits to report.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(child.signal, null, 'the process had to be killed: something kept it alive');
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /done, runs: [1-9]/);
  });

  test('a thread that cannot open the file hands checkpoints back to the writer', async () => {
    const database = new Database(join(folder, 'writer.sqlite'));
    database.pragma('journal_mode = WAL');
    const checkpoints = startBackgroundCheckpoints(database, join(folder, 'missing-folder', 'writer.sqlite'));
    try {
      assert.equal(database.pragma('wal_autocheckpoint', { simple: true }), safetyNetPages);
      await until(() => checkpoints.stats.lastError !== null, 'the thread reports its failure');
      assert.match(checkpoints.stats.lastError!, /directory does not exist/);
      assert.equal(database.pragma('wal_autocheckpoint', { simple: true }), 1000);
    } finally {
      await checkpoints.stop();
      database.close();
    }
  });
});
