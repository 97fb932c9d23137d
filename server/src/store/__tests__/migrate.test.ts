import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { prmObjects } from '../../../../shared/src/schema/registry.ts';
import { sqlColumnName, sqlTableName } from '../../../../shared/src/hosts/sql.ts';
import { migrate, migrationFiles, type MigrationTarget } from '../migrate.ts';

const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function sqliteTarget(db: Database.Database): MigrationTarget {
  return {
    dialect: 'sqlite',
    exec: async (sql) => void db.exec(sql),
    query: async <Row>(sql: string) => db.prepare(sql).all() as Row[],
  };
}

function postgresTarget(client: pg.Client): MigrationTarget {
  return {
    dialect: 'postgres',
    exec: async (sql) => void (await client.query(sql)),
    query: async <Row>(sql: string) => (await client.query(sql)).rows as Row[],
  };
}

/** Every table and column the schema declares, as the stores must have them. */
const expectedColumns = prmObjects.flatMap((object) =>
  Object.keys(object.fields).map((field) => `${sqlTableName(object)}.${sqlColumnName(object, field)}`),
);

describe('migrations on SQLite', () => {
  it('create every table and column of the schema, and a second run applies nothing', async () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const target = sqliteTarget(db);
    assert.deepEqual(await migrate(target), migrationFiles('sqlite'));
    assert.deepEqual(await migrate(target), []);
    const actual = new Set(
      (
        db
          .prepare(
            "select m.name as t, p.name as c from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'",
          )
          .all() as Array<{ t: string; c: string }>
      ).map((r) => `${r.t}.${r.c}`),
    );
    for (const column of expectedColumns) assert.ok(actual.has(column), `missing ${column}`);
    db.close();
  });

  it('enforce the schema: a required lookup refuses a partner that does not exist', async () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    await migrate(sqliteTarget(db));
    const now = new Date().toISOString();
    assert.throws(
      () =>
        db
          .prepare(
            "insert into deal_registration (id, name, created_at, updated_at, partner_id, customer_name, customer_country, opportunity_name, currency, amount, expected_close_on, status) values ('r1', 'DR-1', ?, ?, 'nobody', 'Acme', 'DE', 'Acme renewal', 'EUR', 100, '2027-01-01', 'draft')",
          )
          .run(now, now),
      /FOREIGN KEY constraint failed/,
    );
    db.close();
  });
});

describe('migrations on PostgreSQL', () => {
  const schemaName = `prm_test_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresUrl });

  before(async () => {
    await client.connect();
    await client.query(`create schema ${schemaName}`);
    await client.query(`set search_path to ${schemaName}`);
  });
  after(async () => {
    await client.query(`drop schema ${schemaName} cascade`);
    await client.end();
  });

  it('create every table and column of the schema, and a second run applies nothing', async () => {
    const target = postgresTarget(client);
    assert.deepEqual(await migrate(target), migrationFiles('postgres'));
    assert.deepEqual(await migrate(target), []);
    const { rows } = await client.query(
      'select table_name as t, column_name as c from information_schema.columns where table_schema = $1',
      [schemaName],
    );
    const actual = new Set(rows.map((r: { t: string; c: string }) => `${r.t}.${r.c}`));
    for (const column of expectedColumns) assert.ok(actual.has(column), `missing ${column}`);
  });

  it('enforce the schema: money is a bigint of minor units and a unique course code is unique', async () => {
    const { rows } = await client.query(
      "select data_type from information_schema.columns where table_schema = $1 and table_name = 'deal_registration' and column_name = 'amount'",
      [schemaName],
    );
    assert.equal(rows[0].data_type, 'bigint');
    const now = new Date().toISOString();
    const insert =
      "insert into course (id, name, created_at, updated_at, course_code) values ($1, 'Security basics', $2, $2, 'SEC-101')";
    await client.query(insert, ['c1', now]);
    await assert.rejects(client.query(insert, ['c2', now]), /duplicate key value violates unique constraint/);
  });
});
