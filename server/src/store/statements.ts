/**
 * Statements on the hot paths, compiled once per shape. Kysely compiles a query builder anew on every
 * call (a large share of a registration's JavaScript: docs/server-performance.md); the
 * requests that run most (sign-in by token, read a record by id, insert a record and its audit entry)
 * use a handful of fixed shapes. Each shape is built once with Kysely, with a marker in place of each
 * argument, so the text and placeholders are still the dialect's own; later calls execute that text
 * with the arguments in the markers' places. Kysely has no prepared-query cache of its own.
 */
import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';
import type { Db } from './database.ts';
import type { Tx } from './groupCommit.ts';

type Slot = { argument: number } | { value: unknown };

interface Shape {
  sql: string;
  slots: Slot[];
}

const shapes = new Map<string, Shape>();

const marker = (i: number) => `\u0000prm-argument-${i}\u0000`;

function shapeOf(sql: string, parameters: readonly unknown[], count: number): Shape {
  const markers = Array.from({ length: count }, (_, i) => marker(i));
  const slots: Slot[] = parameters.map((parameter) => {
    const argument = typeof parameter === 'string' ? markers.indexOf(parameter) : -1;
    return argument >= 0 ? { argument } : { value: parameter };
  });
  const used = new Set(slots.flatMap((slot) => ('argument' in slot ? [slot.argument] : [])));
  if (used.size !== count)
    throw new Error(`A prepared statement must use each of its ${count} arguments as a parameter: ${sql}`);
  return { sql, slots };
}

/**
 * Runs the statement `build` makes from `args`, compiling it only the first time for this dialect and
 * key. `build` must use every argument as a plain parameter value (not inside an array or as a name),
 * and the key must name everything else the statement depends on (table, columns).
 */
export async function runPrepared<Row, const Args extends readonly unknown[] = readonly unknown[]>(
  tx: Tx,
  key: string,
  args: Args,
  build: (db: Db, args: Args) => Compilable<Row>,
): Promise<QueryResult<Row>> {
  const cacheKey = `${tx.dialect}\u0000${key}`;
  let shape = shapes.get(cacheKey);
  if (!shape) {
    // `build` is typed by the arguments so its query is checked against the tables, but is given
    // markers in their place: Kysely only passes a parameter through, whatever its type.
    const markers = args.map((_, i) => marker(i)) as readonly unknown[] as Args;
    const compiled = build(tx.db, markers).compile();
    shape = shapeOf(compiled.sql, compiled.parameters, args.length);
    shapes.set(cacheKey, shape);
  }
  const parameters = shape.slots.map((slot) => ('argument' in slot ? args[slot.argument] : slot.value));
  // Inside a transaction on the embedded store the connection is the transaction's alone, so the
  // statement runs on it directly; Kysely's executor would only pass it through its plugins (none)
  // and its connection queue (a measurable share of a registration's CPU, docs/server-performance.md).
  const direct = tx.root !== undefined && tx.db !== tx.root ? directRunners.get(tx.root) : undefined;
  if (direct) return direct(shape.sql, parameters) as QueryResult<Row>;
  return tx.db.executeQuery<Row>(CompiledQuery.raw(shape.sql, parameters) as CompiledQuery<Row>);
}

/** Runs a statement on the store's one connection, answering as Kysely's driver would. */
export type DirectRunner = (sql: string, parameters: readonly unknown[]) => QueryResult<unknown>;

const directRunners = new WeakMap<Db, DirectRunner>();

/** The embedded store registers its connection (store/database.ts); PostgreSQL's pool has no such thing. */
export function registerDirectRunner(root: Db, runner: DirectRunner): void {
  directRunners.set(root, runner);
}

/**
 * runPrepared for statements made from rows of values (inserts), so `build` writes the rows as they
 * are and Kysely checks them against the table: it is given the rows with a marker in place of each
 * value. Every row must have the same fields in the same order, and the key must name the row count.
 */
export async function runPreparedRows<Values extends Record<string, unknown>, Row = unknown>(
  tx: Tx,
  key: string,
  rows: readonly Values[],
  build: (db: Db, rows: readonly Values[]) => Compilable<Row>,
): Promise<QueryResult<Row>> {
  const fields = Object.keys(rows[0]);
  const args = rows.flatMap((row) => fields.map((field) => row[field]));
  return runPrepared(tx, key, args, (db, markers) =>
    build(
      db,
      // The same fields as the rows given, each holding its marker: the rows' own type.
      rows.map(
        (_, r) => Object.fromEntries(fields.map((field, i) => [field, markers[r * fields.length + i]])) as Values,
      ),
    ),
  );
}
