/**
 * Group commit for the embedded store. SQLite has one writer, and on disk a commit costs more than the
 * writes before it (its write syscalls cost several statements: docs/server-performance.md), so write
 * transactions that arrive while one is running wait and then run together in the next transaction,
 * each inside its own savepoint: one that fails is rolled back alone, the others commit, and nobody
 * gets an answer before the commit that holds their change. At low load a batch is one transaction of
 * one piece of work, as before. (Neither better-sqlite3 nor Kysely batches commits.)
 * Work given to it must only use the database: a piece of work that waits on something else (a call to
 * another service) holds up every request in its batch.
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { Dialect } from './migrate.ts';

/** A connection or transaction, with the dialect its values are converted for. */
export interface Tx {
  db: Db;
  dialect: Dialect;
  /** The store's own connection, when `db` is a transaction: state kept per store (caches) is keyed by it. */
  root?: Db;
}

export type TransactionWork<T> = (tx: Tx) => Promise<T>;

interface Pending {
  work: TransactionWork<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Caches of committed state to drop when a transaction that may have fed them does not commit. */
const failureListeners = new WeakMap<Db, Set<() => void>>();

function listen(registry: WeakMap<Db, Set<() => void>>, root: Db, listener: () => void): void {
  let listeners = registry.get(root);
  if (!listeners) registry.set(root, (listeners = new Set()));
  listeners.add(listener);
}

/** Calls `listener` whenever a transaction on this store fails as a whole (nothing of it committed). */
export function onTransactionFailure(root: Db, listener: () => void): void {
  listen(failureListeners, root, listener);
}

/** State handed out from inside a transaction, to drop when anything on the connection is rolled back. */
const rollbackListeners = new WeakMap<Db, Set<() => void>>();

/**
 * Calls `listener` whenever anything is rolled back on this embedded store's connection: a whole
 * transaction, whoever began it, or one piece of work of a group commit back to its savepoint.
 */
export function onRollback(root: Db, listener: () => void): void {
  listen(rollbackListeners, root, listener);
}

/** Called by the embedded store's connection (store/database.ts) as it runs a rollback. */
export function rolledBack(root: Db): void {
  notify(rollbackListeners.get(root));
}

/** Work to do once something commits on this embedded store's connection (whoever began the transaction). */
const commitListeners = new WeakMap<Db, Set<() => void>>();

/**
 * Calls `listener` after each commit on this embedded store's connection: the webhook outbox wakes its
 * dispatcher there, once the rows it wrote can be read. (PostgreSQL's commits are announced by NOTIFY.)
 */
export function onCommit(root: Db, listener: () => void): () => void {
  listen(commitListeners, root, listener);
  return () => commitListeners.get(root)?.delete(listener);
}

/** Called by the embedded store's connection as it runs a commit; listeners run once it has run. */
export function committed(root: Db): void {
  const listeners = commitListeners.get(root);
  if (listeners?.size) setImmediate(() => notify(listeners));
}

function notify(listeners: Set<() => void> | undefined): void {
  for (const listener of listeners ?? []) {
    try {
      listener();
    } catch (error) {
      // A cache that cannot be dropped must not stop the others, nor the transactions waiting.
      console.error('A cache failed to forget a rolled-back change:', error);
    }
  }
}

function transactionFailed(root: Db): void {
  notify(failureListeners.get(root));
}

/** One transaction per call: PostgreSQL's commits run in parallel on the pool's connections. */
export function plainTransactions(db: Db, dialect: Dialect): Transactions {
  const stats: TransactionStats = { transactions: 0, works: 0 };
  const run = async <T>(work: TransactionWork<T>): Promise<T> => {
    stats.transactions++;
    stats.works++;
    try {
      return await db.transaction().execute((trx) => work({ db: trx, dialect, root: db }));
    } catch (error) {
      transactionFailed(db);
      throw error;
    }
  };
  return Object.assign(run, { stats });
}

/** How many transactions a store committed or rolled back, and how many pieces of work they held. */
export interface TransactionStats {
  transactions: number;
  works: number;
}

export interface Transactions {
  <T>(work: TransactionWork<T>): Promise<T>;
  stats: TransactionStats;
}

export function groupCommit(db: Db, dialect: Dialect, maxBatch = 256): Transactions {
  const queue: Pending[] = [];
  let scheduled = false;
  const stats: TransactionStats = { transactions: 0, works: 0 };

  async function runBatch(batch: Pending[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await db.transaction().execute(async (trx) => {
      const tx: Tx = { db: trx, dialect, root: db };
      if (batch.length === 1) {
        // Alone in its transaction: its failure rolls the transaction back, no savepoint needed.
        outcomes.push({ ok: true, value: await batch[0].work(tx) });
        return;
      }
      for (const item of batch) {
        await sql`savepoint prm_work`.execute(trx);
        try {
          const value = await item.work(tx);
          await sql`release prm_work`.execute(trx);
          outcomes.push({ ok: true, value });
        } catch (error) {
          await sql`rollback to prm_work`.execute(trx);
          await sql`release prm_work`.execute(trx);
          outcomes.push({ ok: false, error });
        }
      }
    });
    return outcomes;
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length) {
        const batch = queue.splice(0, maxBatch);
        stats.transactions++;
        stats.works += batch.length;
        let outcomes: Outcome[];
        try {
          outcomes = await runBatch(batch);
        } catch (error) {
          // The batch did not commit (a lone piece of work failed, or the commit itself did).
          transactionFailed(db);
          for (const item of batch) item.reject(error);
          continue;
        }
        batch.forEach((item, i) => {
          const outcome = outcomes[i];
          if (outcome.ok) item.resolve(outcome.value);
          else item.reject(outcome.error);
        });
      }
    } finally {
      scheduled = false;
      if (queue.length) schedule();
    }
  }

  function schedule(): void {
    scheduled = true;
    // Wait for the requests already read from the sockets, so they join this batch.
    setImmediate(() => void drain());
  }

  const run = <T>(work: TransactionWork<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) schedule();
    });
  return Object.assign(run, { stats });
}
