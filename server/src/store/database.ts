/**
 * One data-access layer over two stores: SQLite (embedded default, one file) and PostgreSQL
 * (`DATABASE_URL`). Kysely speaks both; this file only opens a connection and smooths the two
 * drivers' value types so every layer above sees the same values.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Dialect } from './migrate.ts';
import { committed, groupCommit, plainTransactions, rolledBack, type Transactions } from './groupCommit.ts';
import { startBackgroundCheckpoints, type CheckpointStats } from './checkpoints.ts';
import { registerDirectRunner } from './statements.ts';
import type { PrmTables } from './generated/database.ts';
import type { SystemTables } from './systemTables.ts';

/** Every table of the store, Kysely's way: the PRM objects' (generated) and the server's own. */
export interface Database extends PrmTables, SystemTables {}

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Where the data lives, for messages (a file path, or the PostgreSQL URL without its password). */
  location: string;
  /**
   * Runs the work in a transaction and answers once it has committed. Use it for writes that answer a
   * request: on the embedded store concurrent ones share a commit (store/groupCommit.ts).
   */
  transaction: Transactions;
  /** The embedded store's checkpoint thread (store/checkpoints.ts), when it has one. */
  checkpoints?: CheckpointStats;
  /**
   * PostgreSQL only: LISTENs on `channel` on a connection of its own and calls `onPayload` with each
   * NOTIFY's payload (sent by any process, delivered once the notifying transaction committed).
   * Resolves with the function that stops listening.
   */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** pg returns bigint and numeric as strings and timestamps as Date; the core wants numbers and ISO strings. */
function postgresTypes(): pg.CustomTypesConfig {
  const parsers: Record<number, (value: string) => unknown> = {
    20: (value) => Number(value), // int8: money in minor units stays below 2^53
    1700: (value) => Number(value), // numeric
    1082: (value) => value, // date: keep YYYY-MM-DD
    1114: (value) => new Date(`${value}Z`).toISOString(), // timestamp
    1184: (value) => new Date(value).toISOString(), // timestamptz
  };
  return {
    getTypeParser: ((oid: number, format?: string) =>
      parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export interface SqliteOptions {
  /** Checkpoint on a thread of its own (default for a file): commits never wait for the disk's flushes. */
  backgroundCheckpoints?: boolean;
}

export function openSqlite(file: string, options: SqliteOptions = {}): Store {
  const onDisk = file !== ':memory:';
  if (onDisk) mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Kysely prepares every statement anew; preparing is most of a query's cost in better-sqlite3, and
  // the application runs a small set of distinct statements, so each is prepared once and reused.
  const statements = new Map<string, SqliteDatabase.Statement>();
  const cached = {
    prepare(sql: string) {
      // Every rollback on this connection passes here (Kysely's driver prepares it like any statement),
      // whoever began the transaction: state handed out inside one is dropped with it (groupCommit.ts).
      if (sql.startsWith('rollback')) rolledBack(db);
      else if (sql === 'commit') committed(db);
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (statements.size >= 2000) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
    close: () => database.close(),
  };
  const db: Db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cached }),
  });
  // The same answer Kysely's SQLite driver gives (kysely/dist/dialect/sqlite/sqlite-driver.js).
  registerDirectRunner(db, (sql, parameters) => {
    const statement = cached.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  });
  const checkpoints =
    onDisk && (options.backgroundCheckpoints ?? true) ? startBackgroundCheckpoints(database, file) : undefined;
  return {
    db,
    dialect: 'sqlite',
    location: file,
    transaction: groupCommit(db, 'sqlite'),
    checkpoints: checkpoints?.stats,
    async close() {
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}

export function openPostgres(url: string, options: { searchPath?: string; max?: number } = {}): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 20,
    types: postgresTypes(),
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    location: url.replace(/:[^:@/]*@/, ':***@'),
    transaction: plainTransactions(db, 'postgres'),
    async listen(channel, onPayload) {
      // A client of its own, not one of the pool's: it holds its connection for as long as it listens.
      const client = new pg.Client({ connectionString: url });
      client.on('notification', (message) => {
        if (message.channel === channel) onPayload(message.payload ?? '');
      });
      // A lost connection only loses the wake-ups: the listener's owner still polls.
      client.on('error', (error) => console.error(`Stopped listening on ${channel}:`, error.message));
      await client.connect();
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return () => client.end();
    },
    close: () => db.destroy(),
  };
}

/** `DATABASE_URL` (postgres://...) selects PostgreSQL; otherwise the embedded SQLite file. */
export function openStore(env: { DATABASE_URL?: string; PRM_DATA_FILE?: string } = process.env): Store {
  if (env.DATABASE_URL) return openPostgres(env.DATABASE_URL);
  return openSqlite(env.PRM_DATA_FILE ?? 'data/prm.sqlite');
}
